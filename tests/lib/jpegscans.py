#!/usr/bin/python3
"""Hostile progressive JPEGs for the tests, made from a real one by moving its scans about.

    jpegscans.py repeat SRC OUT      every scan after the first is sent twice in a row
    jpegscans.py many SRC OUT N      its smallest scan is sent N more times after the last (a
                                     decoder that accepts it spends N scans' work on one photo)
    jpegscans.py list SRC            the scans: offset and length of each

The segments are copied byte for byte; only their order and count change, so each scan is
well formed on its own and only the sequence is hostile."""
import sys


def segments(data):
    """[(kind, bytes)]: 'head' (SOI up to the first SOS), 'scan' (SOS and its entropy-coded
    data), 'tail' (EOI and anything after)."""
    out, i = [], 2
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    head_end = None
    while i < len(data):
        if data[i] != 0xFF:
            raise ValueError("no marker at %d" % i)
        m = data[i + 1]
        if m == 0xD9:
            break
        n = int.from_bytes(data[i + 2:i + 4], "big")
        if m != 0xDA:
            i += 2 + n
            continue
        if head_end is None:
            head_end = i
            out.append(("head", data[:i]))
        j = i + 2 + n
        while j < len(data) - 1:  # the entropy-coded data ends at a marker other than RSTn
            if data[j] == 0xFF and data[j + 1] != 0 and not 0xD0 <= data[j + 1] <= 0xD7:
                break
            j += 1
        # tables between scans (DHT before a scan) belong to the scan that follows
        out.append(("scan", data[i:j]))
        i = j
        while i < len(data) - 1 and data[i + 1] not in (0xDA, 0xD9):
            n = int.from_bytes(data[i + 2:i + 4], "big")
            out[-1] = ("scan", out[-1][1] + data[i:i + 2 + n])
            i += 2 + n
    out.append(("tail", data[i:]))
    return out


def main():
    mode, src = sys.argv[1], sys.argv[2]
    segs = segments(open(src, "rb").read())
    scans = [s for k, s in segs if k == "scan"]
    head = segs[0][1]
    tail = segs[-1][1]
    if mode == "list":
        for k, s in segs:
            print(k, len(s))
        return
    out = sys.argv[3]
    if len(scans) < 2:
        sys.exit("%s is not progressive (one scan)" % src)
    if mode == "repeat":
        body = scans[0] + b"".join(s + s for s in scans[1:])
    elif mode == "many":
        body = b"".join(scans) + min(scans[1:], key=len) * int(sys.argv[4])
    else:
        sys.exit("unknown mode " + mode)
    open(out, "wb").write(head + body + tail)


if __name__ == "__main__":
    main()
