/* icc.c - see icc.h. The profile is read with libjpeg (jpeg_read_icc_profile reassembles the
 * APP2 chunks); LittleCMS opens it, says whether it is sRGB, and converts. */
#include <lcms2.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icc.h"
#include "jpeg_error.h"
#include "log.h"

#define CACHE 8 /* distinct profiles an event sees: a camera or two, a phone or two */

struct entry {
	uint64_t hash;
	unsigned len;
	cmsHTRANSFORM xf; /* NULL: the profile is sRGB, nothing to do */
	int ignored;	  /* not usable; warned once */
	int busy;	  /* threads converting with xf now: not evicted meanwhile */
	int temporary;	  /* not in the cache (every entry was busy): freed after use */
	char why[160];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[CACHE];
static int ncache, next_evict;

static uint64_t
fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* The profile embedded in jpeg, or NULL. A header parse: no pixels are decoded. */
static unsigned char *
read_profile(const unsigned char *jpeg, size_t len, unsigned *out_len)
{
	struct jpeg_decompress_struct di;
	struct pb_jpeg_error err;
	JOCTET *icc = NULL;
	unsigned n = 0;

	*out_len = 0;
	if (!jpeg || len < 4 || len > (size_t)0xffffffffu)
		return NULL;
	di.err = pb_jpeg_error_init(&err, 0);
	if (setjmp(err.jmp)) {
		jpeg_destroy_decompress(&di);
		free(icc);
		return NULL; /* the decoder proper says what is wrong with a broken file */
	}
	jpeg_create_decompress(&di);
	jpeg_save_markers(&di, JPEG_APP0 + 2, 0xffff);
	jpeg_mem_src(&di, jpeg, (unsigned long)len);
	if (jpeg_read_header(&di, TRUE) == JPEG_HEADER_OK && !jpeg_read_icc_profile(&di, &icc, &n))
		icc = NULL; /* none, or chunks missing or out of order */
	jpeg_destroy_decompress(&di);
	*out_len = icc ? n : 0;
	return icc;
}

/* Whether a matrix-shaper profile is sRGB: its colourants and curves match LittleCMS's own
 * sRGB to within what 8-bit pixels can show. */
static int
is_srgb(cmsHPROFILE p)
{
	static const cmsTagSignature xyz[3] = { cmsSigRedColorantTag, cmsSigGreenColorantTag,
						cmsSigBlueColorantTag };
	static const cmsTagSignature trc[3] = { cmsSigRedTRCTag, cmsSigGreenTRCTag,
						cmsSigBlueTRCTag };
	cmsHPROFILE s = cmsCreate_sRGBProfile();
	int same = s != NULL;

	for (int c = 0; same && c < 3; c++) {
		const cmsCIEXYZ *a = cmsReadTag(p, xyz[c]), *b = cmsReadTag(s, xyz[c]);
		cmsToneCurve *ta = cmsReadTag(p, trc[c]), *tb = cmsReadTag(s, trc[c]);
		if (!a || !b || !ta || !tb || fabs(a->X - b->X) > 0.002 ||
		    fabs(a->Y - b->Y) > 0.002 || fabs(a->Z - b->Z) > 0.002) {
			same = 0;
			break;
		}
		for (float v = 0.05f; v < 1.0f; v += 0.15f)
			if (fabsf(cmsEvalToneCurveFloat(ta, v) - cmsEvalToneCurveFloat(tb, v)) >
			    0.5f / 255)
				same = 0;
	}
	if (s)
		cmsCloseProfile(s);
	return same;
}

/* A cache entry for profile icc (under the lock). */
static struct entry *
lookup(const unsigned char *icc, unsigned n)
{
	uint64_t h = fnv1a(icc, n);
	for (int i = 0; i < ncache; i++)
		if (cache[i].hash == h && cache[i].len == n)
			return &cache[i];

	struct entry *e = NULL;
	if (ncache < CACHE) {
		e = &cache[ncache++];
	} else {
		for (int k = 0; k < CACHE && !e; k++, next_evict = (next_evict + 1) % CACHE)
			if (!cache[next_evict].busy)
				e = &cache[next_evict];
		if (e && e->xf)
			cmsDeleteTransform(e->xf);
	}
	int temporary = !e;
	if (temporary && !(e = malloc(sizeof(*e))))
		return NULL;
	memset(e, 0, sizeof(*e));
	e->temporary = temporary;
	e->hash = h;
	e->len = n;

	cmsHPROFILE src = cmsOpenProfileFromMem(icc, n);
	if (!src) {
		e->ignored = 1;
		snprintf(e->why, sizeof(e->why),
			 "the embedded ICC profile (%u bytes) is damaged: used as sRGB", n);
	} else if (cmsGetColorSpace(src) != cmsSigRgbData) {
		e->ignored = 1;
		snprintf(e->why, sizeof(e->why),
			 "the embedded ICC profile is not an RGB one: used as sRGB");
	} else if (!is_srgb(src)) {
		cmsHPROFILE dst = cmsCreate_sRGBProfile();
		/* relative colorimetric: sRGB colours stay as they are, wider ones are clipped;
		 * NOCACHE: one transform is used from every worker at once */
		e->xf = dst ? cmsCreateTransform(src, TYPE_BGRA_8, dst, TYPE_BGRA_8,
						 INTENT_RELATIVE_COLORIMETRIC,
						 cmsFLAGS_NOCACHE | cmsFLAGS_COPY_ALPHA)
			    : NULL;
		if (dst)
			cmsCloseProfile(dst);
		if (!e->xf) {
			e->ignored = 1;
			snprintf(e->why, sizeof(e->why),
				 "LittleCMS cannot convert from the embedded ICC profile: used "
				 "as sRGB");
		}
	}
	if (src)
		cmsCloseProfile(src);
	if (e->ignored)
		pb_warn("colour: %s", e->why); /* once per profile: it is cached */
	return e;
}

struct pb_icc {
	struct entry e; /* first: a handle is its cache entry */
};

struct pb_icc *
pb_icc_for(const unsigned char *jpeg, size_t len, enum pb_icc_kind *kind, char *warn,
	   size_t warnlen)
{
	unsigned n;
	unsigned char *icc = read_profile(jpeg, len, &n);

	if (warn && warnlen)
		warn[0] = '\0';
	*kind = PB_ICC_NONE;
	if (!icc)
		return NULL;
	pthread_mutex_lock(&lock);
	struct entry *e = lookup(icc, n);
	free(icc);
	if (!e) {
		pthread_mutex_unlock(&lock);
		*kind = PB_ICC_IGNORED;
		return NULL;
	}
	*kind = e->ignored ? PB_ICC_IGNORED : e->xf ? PB_ICC_CONVERTED : PB_ICC_SRGB;
	if (e->ignored && warn)
		snprintf(warn, warnlen, "%s", e->why);
	if (*kind != PB_ICC_CONVERTED) {
		pthread_mutex_unlock(&lock);
		return NULL;
	}
	e->busy++; /* converting happens outside the lock, so workers convert at once */
	pthread_mutex_unlock(&lock);
	return (struct pb_icc *)e;
}

void
pb_icc_release(struct pb_icc *x)
{
	struct entry *e = (struct entry *)x;
	if (!e)
		return;
	pthread_mutex_lock(&lock);
	e->busy--;
	if (e->temporary) {
		if (e->xf)
			cmsDeleteTransform(e->xf);
		free(e);
	}
	pthread_mutex_unlock(&lock);
}

void
pb_icc_convert(struct pb_icc *x, struct pb_image *img, struct pb_rect r)
{
	int x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
	int x1 = r.x + r.w > img->width ? img->width : r.x + r.w;
	int y1 = r.y + r.h > img->height ? img->height : r.y + r.h;
	if (!x || x1 <= x0 || y1 <= y0)
		return;
	unsigned char *first =
		(unsigned char *)img->pixels + (size_t)y0 * (size_t)img->stride + (size_t)x0 * 4;
	cmsDoTransformLineStride(x->e.xf, first, first, (cmsUInt32Number)(x1 - x0),
				 (cmsUInt32Number)(y1 - y0), (cmsUInt32Number)img->stride,
				 (cmsUInt32Number)img->stride, 0, 0);
}

enum pb_icc_kind
pb_icc_to_srgb(const unsigned char *jpeg, size_t len, struct pb_image *img, struct pb_rect r,
	       char *warn, size_t warnlen)
{
	enum pb_icc_kind kind;
	struct pb_icc *x = pb_icc_for(jpeg, len, &kind, warn, warnlen);
	pb_icc_convert(x, img, r);
	pb_icc_release(x);
	return kind;
}

static pthread_once_t srgb_once = PTHREAD_ONCE_INIT;
static unsigned char *srgb_bytes;
static cmsUInt32Number srgb_len;

static void
make_srgb(void)
{
	cmsHPROFILE s = cmsCreate_sRGBProfile();
	cmsUInt32Number n = 0;
	if (s && cmsSaveProfileToMem(s, NULL, &n) && n > 0 && (srgb_bytes = malloc(n)) &&
	    cmsSaveProfileToMem(s, srgb_bytes, &n))
		srgb_len = n;
	if (s)
		cmsCloseProfile(s);
	if (!srgb_len)
		pb_err("colour: LittleCMS could not make the sRGB profile");
}

const unsigned char *
pb_icc_srgb(size_t *len)
{
	pthread_once(&srgb_once, make_srgb);
	*len = srgb_len;
	return srgb_len ? srgb_bytes : NULL;
}

enum pb_status
pb_icc_tag_srgb(unsigned char **jpg, size_t *len)
{
	static const char sig[12] = "ICC_PROFILE"; /* with its NUL */
	size_t n, at = 2;
	const unsigned char *icc = pb_icc_srgb(&n);
	unsigned char *j = *jpg;

	if (!icc)
		return PB_ERR_NOMEM;
	if (*len < 4 || j[0] != 0xFF || j[1] != 0xD8 || n + 16 > 0xffff)
		return PB_ERR_INPUT;
	/* after the JFIF APP0, which readers want first */
	if (*len >= 6 && j[2] == 0xFF && j[3] == 0xE0)
		at = 4 + ((size_t)j[4] << 8 | j[5]);
	if (at > *len)
		return PB_ERR_INPUT;
	size_t seg = 2 + 2 + sizeof(sig) + 2 + n; /* marker, length, signature, seq, total */
	unsigned char *out = malloc(*len + seg);
	if (!out)
		return PB_ERR_NOMEM;
	memcpy(out, j, at);
	unsigned char *p = out + at;
	size_t body = seg - 2;
	*p++ = 0xFF;
	*p++ = 0xE2;
	*p++ = (unsigned char)(body >> 8);
	*p++ = (unsigned char)body;
	memcpy(p, sig, sizeof(sig));
	p += sizeof(sig);
	*p++ = 1; /* chunk 1 of 1 */
	*p++ = 1;
	memcpy(p, icc, n);
	memcpy(out + at + seg, j + at, *len - at);
	free(j);
	*jpg = out;
	*len += seg;
	return PB_OK;
}
