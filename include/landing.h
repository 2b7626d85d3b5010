/* landing.h - the landing page a guest's cloud link opens: the photo (PREFIX<token>.jpg, next
 * to the page in the store), a download button and, on HTTPS, the phone's share sheet (Web
 * Share API). The page goes up before the photo: until the photo answers it says "on its way"
 * and tries again every two seconds. Static HTML with its script inline (a store sets no
 * headers: its Content-Security-Policy is a meta tag). Pure; any thread. */
#ifndef PB_LANDING_H
#define PB_LANDING_H

#include "buf.h"

/* The page for token, titled title (plain text; escaped here), appended to b. */
void pb_landing_page(struct pb_buf *b, const char *title, const char *token);

#endif
