/* restart.h - a baseline JPEG with restart markers cut into pieces that decode on their own:
 * whole MCU rows, each beginning where a restart interval does (and one whose number is a
 * multiple of 8, so a fresh decoder expects its RST0). Each piece reads through libjpeg as a
 * JPEG of its own: the file's header with the piece's height, the piece's entropy-coded
 * bytes (read in place), then EOI. Plain functions; any thread; never reads out of bounds. */
#ifndef PB_RESTART_H
#define PB_RESTART_H

#include <stddef.h>
#include <stdio.h>

#include <jpeglib.h> /* after stdio.h */

#define PB_RESTART_MAX_PIECES 8
#define PB_RESTART_MAX_HEADER 65536 /* tables and all; larger headers are not split */

struct pb_restart_piece {
	int row0, rows;	    /* the image's MCU rows it holds */
	size_t start, end;  /* its entropy-coded bytes: [start, end) of the file */
	unsigned char *hdr; /* the header with this piece's height (pb_restart_plan's) */
};

struct pb_restart_plan {
	int width, height;   /* the image's, in pixels */
	int mcu_rows, mcu_h; /* MCU rows in the image, and their height in pixels */
	int interval;	     /* MCUs per restart interval */
	size_t hdr_len;	     /* bytes of header before the entropy-coded data */
	int npieces;
	struct pb_restart_piece piece[PB_RESTART_MAX_PIECES];
};

/* Plans up to want pieces (2..PB_RESTART_MAX_PIECES) of about equal size covering the MCU
 * rows [row0, row1) (clamped to the image); pieces needed only to reach row0 are left out.
 * Returns 0 with the plan, or -1 when the file cannot be split (not baseline Huffman, no
 * restart interval, intervals not falling on MCU rows, a marker out of sequence, more or
 * fewer markers than intervals, a damaged scan, fewer than 2 pieces): decode it whole. */
int pb_restart_plan(const unsigned char *data, size_t len, int row0, int row1, int want,
		    struct pb_restart_plan *plan);
void pb_restart_plan_free(struct pb_restart_plan *plan);

/* Makes ci read piece i of plan from data (which must outlive the decode). */
void pb_restart_src(j_decompress_ptr ci, const struct pb_restart_plan *plan, int i,
		    const unsigned char *data);

#endif
