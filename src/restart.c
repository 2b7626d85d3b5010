/* restart.c - restart intervals as independent pieces (restart.h). Plain functions. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "restart.h"

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The header up to the entropy-coded data: the frame's size and sampling, the restart
 * interval. -1 for anything but one baseline (or extended) Huffman scan of every component. */
static int
read_header(const unsigned char *d, size_t len, struct pb_restart_plan *p, size_t *height_at,
	    int *hmax, int *vmax, int *ncomp)
{
	size_t i = 2;
	int sof = 0;

	if (len < 4 || d[0] != 0xFF || d[1] != 0xD8)
		return -1;
	for (;;) {
		if (i >= len || d[i] != 0xFF)
			return -1;
		while (i < len && d[i] == 0xFF)
			i++; /* fill bytes */
		if (i + 3 > len)
			return -1;
		unsigned m = d[i++];
		if (m == 0x01 || (m >= 0xD0 && m <= 0xD8))
			continue; /* no length */
		if (m == 0xD9)
			return -1;
		size_t seg = be16(d + i);
		if (seg < 2 || seg > len - i)
			return -1;
		const unsigned char *s = d + i + 2;
		size_t n = seg - 2;
		if (m == 0xC0 || m == 0xC1) {
			if (sof || n < 6 || s[0] != 8)
				return -1;
			p->height = (int)be16(s + 1);
			p->width = (int)be16(s + 3);
			*height_at = i + 3;
			*ncomp = s[5];
			if (*ncomp < 1 || *ncomp > 4 || n < 6 + 3 * (size_t)*ncomp)
				return -1;
			for (int c = 0; c < *ncomp; c++) {
				int h = s[6 + 3 * c + 1] >> 4, v = s[6 + 3 * c + 1] & 15;
				if (h < 1 || h > 4 || v < 1 || v > 4)
					return -1;
				*hmax = h > *hmax ? h : *hmax;
				*vmax = v > *vmax ? v : *vmax;
			}
			sof = 1;
		} else if (m >= 0xC2 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			return -1; /* progressive, lossless or arithmetic */
		} else if (m == 0xDD) {
			if (n < 2)
				return -1;
			p->interval = (int)be16(s);
		} else if (m == 0xDC) {
			return -1; /* the height comes after the scan */
		} else if (m == 0xDA) {
			if (!sof || n < 1 || s[0] != *ncomp)
				return -1;
			p->hdr_len = i + seg;
			return 0;
		}
		i += seg;
	}
}

void
pb_restart_plan_free(struct pb_restart_plan *plan)
{
	for (int i = 0; i < plan->npieces; i++)
		free(plan->piece[i].hdr);
	plan->npieces = 0;
}

int
pb_restart_plan(const unsigned char *d, size_t len, int row0, int row1, int want,
		struct pb_restart_plan *plan)
{
	size_t height_at = 0;
	int hmax = 1, vmax = 1, ncomp = 0;

	memset(plan, 0, sizeof(*plan));
	if (want < 2 || want > PB_RESTART_MAX_PIECES)
		return -1;
	if (read_header(d, len, plan, &height_at, &hmax, &vmax, &ncomp) || !plan->interval ||
	    !plan->width || !plan->height || plan->hdr_len > PB_RESTART_MAX_HEADER)
		return -1;
	int mcu_w = ncomp == 1 ? 8 : 8 * hmax;
	plan->mcu_h = ncomp == 1 ? 8 : 8 * vmax;
	uint64_t mcux = ((uint64_t)plan->width + (uint64_t)mcu_w - 1) / (uint64_t)mcu_w;
	plan->mcu_rows = (plan->height + plan->mcu_h - 1) / plan->mcu_h;
	/* a piece may begin at an interval that starts an MCU row and is numbered 8k */
	uint64_t ri8 = 8 * (uint64_t)plan->interval;
	uint64_t step = ri8 / gcd(ri8, mcux); /* rows between such starts */
	if (step * 2 > (uint64_t)plan->mcu_rows)
		return -1;
	int ncand = (int)((uint64_t)plan->mcu_rows / step) + 1;
	size_t *at = calloc((size_t)ncand, sizeof(size_t)); /* where candidate j begins */
	if (!at)
		return -1;
	at[0] = plan->hdr_len;
	/* walk the scan: every RST in sequence, to its end */
	size_t i = plan->hdr_len, scan_end = 0;
	uint64_t m = 0;
	while (i < len) {
		const unsigned char *q = memchr(d + i, 0xFF, len - i);
		if (!q || (size_t)(q - d) + 1 >= len)
			break;
		i = (size_t)(q - d);
		unsigned b = d[i + 1];
		if (b == 0x00) {
			i += 2;
		} else if (b == 0xFF) {
			i += 1;
		} else if (b >= 0xD0 && b <= 0xD7) {
			if (b != 0xD0 + (m & 7))
				break; /* out of sequence: damaged */
			m++;
			uint64_t mcu = m * (uint64_t)plan->interval;
			if (mcu % mcux == 0 && m % 8 == 0 && (mcu / mcux) % step == 0 &&
			    mcu / mcux / step < (uint64_t)ncand)
				at[mcu / mcux / step] = i + 2;
			i += 2;
		} else {
			scan_end = i;
			break;
		}
	}
	/* every interval's marker, and no more: 8 missing or extra keep the sequence mod 8
	 * but shift every later piece (the serial decode says "Corrupt JPEG data") */
	uint64_t mcus = mcux * (uint64_t)plan->mcu_rows;
	if (!scan_end ||
	    m != (mcus + (uint64_t)plan->interval - 1) / (uint64_t)plan->interval - 1) {
		free(at);
		return -1; /* no end to the scan, or damaged: the whole decode will say so */
	}
	/* the pieces, in candidates c (row c * step; the end of the image is c == E): from the
	 * last start at or above row0 to the first at or below row1 */
	int E = (int)(((uint64_t)plan->mcu_rows + step - 1) / step);
	if (row0 < 0)
		row0 = 0;
	if (row1 > plan->mcu_rows)
		row1 = plan->mcu_rows;
	int first = (int)((uint64_t)row0 / step);
	int last = (int)(((uint64_t)row1 + step - 1) / step);
	if (last > E)
		last = E;
	int bounds[PB_RESTART_MAX_PIECES + 1], nb = 0;
	for (int k = 0; k <= want; k++) {
		int c = first + (int)((int64_t)(last - first) * k / want);
		if (nb && c <= bounds[nb - 1])
			continue;
		bounds[nb++] = c;
	}
	int ok = nb >= 3;
	for (int k = 0; ok && k < nb; k++)
		if (bounds[k] < E && !at[bounds[k]])
			ok = 0; /* that interval never came: damaged */
	for (int k = 0; ok && k + 1 < nb; k++) {
		struct pb_restart_piece *pc = &plan->piece[plan->npieces];
		int r0 = (int)((uint64_t)bounds[k] * step);
		int end = bounds[k + 1] >= E;
		int r1 = end ? plan->mcu_rows : (int)((uint64_t)bounds[k + 1] * step);
		pc->row0 = r0;
		pc->rows = r1 - r0;
		pc->start = at[bounds[k]];
		pc->end = end ? scan_end : at[bounds[k + 1]] - 2;
		if (pc->rows <= 0 || pc->end <= pc->start || !(pc->hdr = malloc(plan->hdr_len))) {
			ok = 0;
			break;
		}
		plan->npieces++;
		memcpy(pc->hdr, d, plan->hdr_len);
		int px = end ? plan->height - r0 * plan->mcu_h : pc->rows * plan->mcu_h;
		pc->hdr[height_at] = (unsigned char)(px >> 8);
		pc->hdr[height_at + 1] = (unsigned char)px;
	}
	free(at);
	if (!ok || plan->npieces < 2) {
		pb_restart_plan_free(plan);
		return -1;
	}
	return 0;
}

/* The source: the piece's header, its bytes in place, then EOI. */
struct piece_src {
	struct jpeg_source_mgr pub;
	const JOCTET *seg[2];
	size_t seglen[2];
	int next;
};

static const JOCTET eoi[2] = { 0xFF, 0xD9 };

static void
src_init(j_decompress_ptr ci)
{
	(void)ci;
}

static boolean
src_fill(j_decompress_ptr ci)
{
	struct piece_src *s = (struct piece_src *)ci->src;
	while (s->next < 2 && !s->seglen[s->next])
		s->next++;
	if (s->next < 2) {
		s->pub.next_input_byte = s->seg[s->next];
		s->pub.bytes_in_buffer = s->seglen[s->next];
		s->next++;
	} else { /* past the end (a damaged piece reads on): EOI again */
		s->pub.next_input_byte = eoi;
		s->pub.bytes_in_buffer = 2;
	}
	return TRUE;
}

static void
src_skip(j_decompress_ptr ci, long n)
{
	while (n > 0 && (size_t)n > ci->src->bytes_in_buffer) {
		n -= (long)ci->src->bytes_in_buffer;
		src_fill(ci);
	}
	if (n > 0) {
		ci->src->next_input_byte += n;
		ci->src->bytes_in_buffer -= (size_t)n;
	}
}

static void
src_term(j_decompress_ptr ci)
{
	(void)ci;
}

void
pb_restart_src(j_decompress_ptr ci, const struct pb_restart_plan *plan, int i,
	       const unsigned char *data)
{
	struct piece_src *s = (*ci->mem->alloc_small)((j_common_ptr)ci, JPOOL_PERMANENT,
						      sizeof(struct piece_src));
	const struct pb_restart_piece *pc = &plan->piece[i];
	s->pub.init_source = src_init;
	s->pub.fill_input_buffer = src_fill;
	s->pub.skip_input_data = src_skip;
	s->pub.resync_to_restart = jpeg_resync_to_restart;
	s->pub.term_source = src_term;
	s->pub.next_input_byte = pc->hdr;
	s->pub.bytes_in_buffer = plan->hdr_len;
	s->seg[0] = data + pc->start;
	s->seglen[0] = pc->end - pc->start;
	s->seg[1] = eoi;
	s->seglen[1] = 2;
	s->next = 0;
	ci->src = &s->pub;
}
