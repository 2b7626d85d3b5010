/* landing.c - the guest's landing page (landing.h). */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "landing.h"

/* The page's words in one language. */
struct words {
	const char *lang;
	const char *wait, *download, *share, *alt, *until, *date, *desc;
};

#define NLANG 2
static const char *const langs[NLANG] = { "en", "ko" };
static struct words table[NLANG];
static int ready;

static void
english(struct words *w, const char *lang)
{
	w->lang = lang;
	w->wait = N_("Your photo is on its way…");
	w->download = N_("Download your photo");
	w->share = N_("Share");
	w->alt = N_("Your photo");
	/* TRANSLATORS: %s is the date, as the next string writes it */
	w->until = N_("This link works until %s; save the photo to keep it.");
	/* TRANSLATORS: a strftime format for the day a link expires */
	w->date = N_("%B %-d, %Y");
	/* TRANSLATORS: a link preview's text; %s is the event's name */
	w->desc = N_("Your photo from %s");
}

void
pb_landing_init(const char *restore)
{
	for (int i = 0; i < NLANG; i++) {
		struct words *w = &table[i];
		english(w, langs[i]);
		pb_i18n_set_language(langs[i]);
		/* gettext returns the catalog's own memory: it lives as long as the process */
		w->wait = _(w->wait);
		w->download = _(w->download);
		w->share = _(w->share);
		w->alt = _(w->alt);
		w->until = _(w->until);
		w->date = _(w->date);
		w->desc = _(w->desc);
	}
	pb_i18n_set_language(restore && *restore ? restore : "en");
	ready = 1;
}

static const struct words *
words_for(const char *lang)
{
	static struct words fallback;
	if (!ready) {
		english(&fallback, "en");
		return &fallback;
	}
	for (int i = 0; i < NLANG; i++)
		if (lang && !strcmp(lang, table[i].lang))
			return &table[i];
	return &table[0];
}

/* a printf format from a catalog, used with one %s: refuse anything else */
static int
one_s(const char *fmt)
{
	const char *p = strstr(fmt, "%s");
	return p && !strchr(p + 2, '%') && (p == fmt || !memchr(fmt, '%', (size_t)(p - fmt)));
}

void
pb_landing_page(struct pb_buf *b, const struct pb_landing *l)
{
	const struct words *w = words_for(l->lang);
	char date[96] = "", line[400], desc[300];
	struct tm tm;

	if (l->expires > 0 && localtime_r(&l->expires, &tm) &&
	    !strftime(date, sizeof(date), w->date, &tm))
		date[0] = '\0';
	pb_buf_printf(b,
		      "<!doctype html>\n<html lang=%s><head><meta charset=utf-8>\n"
		      "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
		      "<meta name=referrer content=no-referrer>\n"
		      "<link rel=icon href=\"data:,\">\n",
		      w->lang);
	if (l->cloud)
		pb_buf_printf(b, "<meta http-equiv=Content-Security-Policy content=\"default-src "
				 "'none'; img-src 'self' blob:; connect-src 'self'; style-src "
				 "'unsafe-inline'; script-src 'unsafe-inline'\">\n");
	snprintf(desc, sizeof(desc), one_s(w->desc) ? w->desc : "%s", l->title);
	if (l->page_url && l->photo_url) {
		pb_buf_printf(b, "<meta property=\"og:type\" content=\"website\">\n"
				 "<meta property=\"og:title\" content=\"");
		pb_buf_html(b, l->title);
		pb_buf_printf(b, "\">\n<meta property=\"og:description\" content=\"");
		pb_buf_html(b, desc);
		pb_buf_printf(b, "\">\n<meta property=\"og:url\" content=\"");
		pb_buf_html(b, l->page_url);
		pb_buf_printf(b, "\">\n<meta property=\"og:image\" content=\"");
		pb_buf_html(b, l->photo_url);
		pb_buf_printf(b, "\">\n<meta property=\"og:image:type\" content=\"image/jpeg\">\n"
				 "<meta name=\"twitter:card\" content=\"summary_large_image\">\n");
	}
	pb_buf_printf(b, "<title>");
	pb_buf_html(b, l->title);
	pb_buf_printf(
		b,
		"</title>\n<style>\n"
		"body{margin:0;background:#11131c;color:#fff;font:18px/1.4 system-ui,sans-serif;"
		"text-align:center}\nmain{max-width:40rem;margin:0 auto;padding:1rem}\n"
		"img{width:100%%;height:auto;border:4px solid #fff;box-sizing:border-box}\n"
		".b{display:block;box-sizing:border-box;width:100%%;margin:1rem 0;padding:1rem;border:0;"
		"border-radius:2rem;"
		"background:#ff6b4a;color:#fff;font:bold 18px system-ui,sans-serif;"
		"text-decoration:none}\n[hidden]{display:none}\n"
		"</style></head><body><main>\n<h1>");
	pb_buf_html(b, l->title);
	pb_buf_printf(b, "</h1>\n");
	const char *hide = l->cloud ? " hidden" : "";
	if (l->cloud) {
		pb_buf_printf(b, "<p id=wait>");
		pb_buf_html(b, w->wait);
		pb_buf_printf(b, "</p>\n");
	}
	pb_buf_printf(b, "<img id=photo src=\"%s.jpg\" alt=\"", l->token);
	pb_buf_html(b, w->alt);
	pb_buf_printf(b, "\"%s>\n<a id=dl class=b href=\"%s.jpg\" download=\"photo.jpg\"%s>", hide,
		      l->token, hide);
	pb_buf_html(b, w->download);
	pb_buf_printf(b, "</a>\n");
	if (l->cloud) {
		pb_buf_printf(b, "<button id=share class=b type=button hidden>");
		pb_buf_html(b, w->share);
		pb_buf_printf(b, "</button>\n");
	}
	if (date[0]) {
		snprintf(line, sizeof(line), one_s(w->until) ? w->until : "%s", date);
		pb_buf_printf(b, "<p id=until>");
		pb_buf_html(b, line);
		pb_buf_printf(b, "</p>\n");
	}
	pb_buf_printf(b, "</main>\n");
	if (l->cloud)
		pb_buf_printf(
			b,
			"<script>\n"
			"var img=document.getElementById('photo'),tries=0;\n"
			"img.onload=function(){img.hidden=false;"
			"document.getElementById('wait').hidden=true;"
			"document.getElementById('dl').hidden=false;"
			"if(window.isSecureContext&&navigator.canShare)"
			"document.getElementById('share').hidden=false;};\n"
			"img.onerror=function(){if(++tries<300)setTimeout(function(){"
			"img.src='%s.jpg?try='+tries;},2000);};\n"
			"document.getElementById('share').onclick=function(){"
			"fetch('%s.jpg').then(function(r){return r.blob();}).then(function(blob){"
			"var f=new File([blob],'photo.jpg',{type:'image/jpeg'});"
			"if(navigator.canShare({files:[f]}))return navigator.share({files:[f]});"
			"}).catch(function(){});};\n"
			"</script>\n",
			l->token, l->token);
	pb_buf_printf(b, "</body></html>\n");
}
