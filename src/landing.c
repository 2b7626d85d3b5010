/* landing.c - the cloud landing page (landing.h). */
#include "landing.h"

void
pb_landing_page(struct pb_buf *b, const char *title, const char *token)
{
	pb_buf_printf(b, "<!doctype html>\n<html lang=en><head><meta charset=utf-8>\n"
			 "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
			 "<meta name=referrer content=no-referrer>\n"
			 "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
			 "img-src 'self' blob:; connect-src 'self'; style-src 'unsafe-inline'; "
			 "script-src 'unsafe-inline'\">\n<title>");
	pb_buf_html(b, title);
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
	pb_buf_html(b, title);
	pb_buf_printf(
		b,
		"</h1>\n<p id=wait>Your photo is on its way&hellip;</p>\n"
		"<img id=photo src=\"%s.jpg\" alt=\"Your photo\" hidden>\n"
		"<a id=dl class=b href=\"%s.jpg\" download=\"photo.jpg\" hidden>Download your "
		"photo</a>\n<button id=share class=b type=button hidden>Share</button>\n"
		"<p>This link expires; save the photo to keep it.</p>\n</main>\n<script>\n"
		"var img=document.getElementById('photo'),tries=0;\n"
		"img.onload=function(){img.hidden=false;document.getElementById('wait').hidden=true;"
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
		"</script></body></html>\n",
		token, token, token, token);
}
