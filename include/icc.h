/* icc.h - colour: a capture's embedded ICC profile (a DSLR set to Adobe RGB, a phone in
 * Display P3) converted to sRGB with LittleCMS, and the compact sRGB tag that prints and
 * share.jpg carry.
 *
 * One transform per distinct profile, made on first use and kept (a small cache shared by
 * every thread, under a lock); a capture with no profile, or an sRGB one, costs one header
 * parse and no pixel work. A damaged or unusable profile is ignored with a warning: the
 * photo is used as sRGB, never refused. Any thread; no I/O; never blocks but on the cache's
 * lock. */
#ifndef PB_ICC_H
#define PB_ICC_H

#include <stddef.h>

#include "geometry.h"
#include "image.h"

/* What the capture's profile asks for. */
enum pb_icc_kind {
	PB_ICC_NONE,	  /* no profile: sRGB by convention */
	PB_ICC_SRGB,	  /* a profile that is sRGB (or near enough): nothing to do */
	PB_ICC_CONVERTED, /* another RGB space, converted */
	PB_ICC_IGNORED,	  /* damaged, or not an RGB profile: used as sRGB, with a warning */
};

struct pb_icc;

/* The conversion to sRGB that the profile embedded in jpeg (APP2 ICC_PROFILE markers) asks
 * for, or NULL when there is nothing to convert (*kind says why; warn, which may be NULL,
 * says why a profile was ignored). A non-NULL one is released with pb_icc_release. */
struct pb_icc *pb_icc_for(const unsigned char *jpeg, size_t len, enum pb_icc_kind *kind, char *warn,
			  size_t warnlen);
/* Converts img's pixels inside r (clipped to img) to sRGB, in place. Any thread, at once. */
void pb_icc_convert(struct pb_icc *x, struct pb_image *img, struct pb_rect r);
void pb_icc_release(struct pb_icc *x); /* NULL ok */

/* pb_icc_for, pb_icc_convert of r and pb_icc_release in one. */
enum pb_icc_kind pb_icc_to_srgb(const unsigned char *jpeg, size_t len, struct pb_image *img,
				struct pb_rect r, char *warn, size_t warnlen);

/* The compact sRGB profile the booth tags its JPEGs with (LittleCMS's own, a few hundred
 * bytes); static, never freed. NULL when LittleCMS could not make it. */
const unsigned char *pb_icc_srgb(size_t *len);

/* Adds the sRGB profile to a JPEG in memory (an APP2 ICC_PROFILE segment after SOI and any
 * APP0), reallocating *jpg. PB_ERR_NOMEM, or PB_ERR_INPUT when *jpg is not a JPEG. */
enum pb_status pb_icc_tag_srgb(unsigned char **jpg, size_t *len);

#endif
