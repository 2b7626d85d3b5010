/* landing.h - the page a guest's link opens, on the booth's own gallery (LAN) or in the event
 * cloud (the store): the photo, a download button, the date the link expires, in the guest's
 * language, with link previews (Open Graph and Twitter card tags: a link pasted in a chat app
 * shows the photo) and an inline icon (no favicon request). The cloud's page goes up before
 * its photo: until the photo answers it says "on its way" and tries again every two seconds,
 * and on HTTPS it offers the phone's share sheet (Web Share API). Static HTML with its script
 * inline (a store sets no headers: its Content-Security-Policy is a meta tag).
 *
 * The words come from the gettext catalogs, read once per language by pb_landing_init on the
 * main thread (gettext's language is the process's, which the kiosk switches per guest); after
 * that, pb_landing_page is pure and any thread may call it. */
#ifndef PB_LANDING_H
#define PB_LANDING_H

#include <time.h>

#include "buf.h"

struct pb_landing {
	const char *title;    /* the event's name, plain text (escaped here) */
	const char *token;    /* the photo is <token>.jpg beside the page */
	const char *lang;     /* the guest's language, "en" or "ko"; NULL or other: "en" */
	time_t expires;	      /* when the link stops working; 0: not said */
	const char *page_url; /* absolute URLs, for the previews; NULL: no previews */
	const char *photo_url;
	int cloud; /* 1: the store's page (waits for its photo, share sheet) */
};

/* Reads the page's words in every language the kiosk speaks. Main thread, before the gallery
 * or the cloud thread starts; changes the gettext language and sets it back to restore. Until
 * it is called, pages are in English. */
void pb_landing_init(const char *restore);

/* Appends the page to b. */
void pb_landing_page(struct pb_buf *b, const struct pb_landing *l);

#endif
