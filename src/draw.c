/* draw.c - see draw.h. */
#include <SDL.h>
#include <math.h>

#include "draw.h"

SDL_Rect
pb_draw_sdl_rect(struct pb_rect r)
{
	return (SDL_Rect){ r.x, r.y, r.w, r.h };
}

void
pb_draw_fill(SDL_Renderer *r, struct pb_rect rc, SDL_Color c)
{
	SDL_Rect s = pb_draw_sdl_rect(rc);
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRect(r, &s);
}

/* A rounded rectangle as a triangle fan: SDL has no such primitive. */
void
pb_draw_rounded(SDL_Renderer *r, struct pb_rect rc, int radius, SDL_Color c)
{
	enum { SEG = 8, N = 4 * (SEG + 1) };
	SDL_Vertex v[N + 1];
	int idx[N * 3];
	const float cx[4] = { rc.x + rc.w - radius, rc.x + radius, rc.x + radius,
			      rc.x + rc.w - radius };
	const float cy[4] = { rc.y + radius, rc.y + radius, rc.y + rc.h - radius,
			      rc.y + rc.h - radius };
	int n = 0;

	if (radius * 2 > rc.w)
		radius = rc.w / 2;
	if (radius * 2 > rc.h)
		radius = rc.h / 2;
	v[n++] = (SDL_Vertex){ { rc.x + rc.w / 2.0f, rc.y + rc.h / 2.0f }, c, { 0, 0 } };
	for (int corner = 0; corner < 4; corner++)
		for (int i = 0; i <= SEG; i++) {
			double a = (corner * 90.0 + i * 90.0 / SEG) * M_PI / 180.0;
			v[n++] = (SDL_Vertex){ { cx[corner] + (float)(radius * cos(a)),
						 cy[corner] - (float)(radius * sin(a)) },
					       c,
					       { 0, 0 } };
		}
	for (int i = 0; i < N; i++) {
		idx[3 * i] = 0;
		idx[3 * i + 1] = 1 + i;
		idx[3 * i + 2] = 1 + (i + 1) % N;
	}
	SDL_RenderGeometry(r, NULL, v, n, idx, N * 3);
}

void
pb_draw_circle(SDL_Renderer *r, int x, int y, int radius, SDL_Color c)
{
	pb_draw_rounded(r, (struct pb_rect){ x - radius, y - radius, 2 * radius, 2 * radius },
			radius, c);
}

/* A vertical gradient from transparent (top) to c (bottom). */
void
pb_draw_gradient(SDL_Renderer *r, struct pb_rect rc, SDL_Color c)
{
	SDL_Color top = c;
	top.a = 0;
	SDL_Vertex v[4] = {
		{ { rc.x, rc.y }, top, { 0, 0 } },
		{ { rc.x + rc.w, rc.y }, top, { 0, 0 } },
		{ { rc.x + rc.w, rc.y + rc.h }, c, { 0, 0 } },
		{ { rc.x, rc.y + rc.h }, c, { 0, 0 } },
	};
	int idx[6] = { 0, 1, 2, 0, 2, 3 };
	SDL_RenderGeometry(r, NULL, v, 4, idx, 6);
}

void
pb_draw_outline(SDL_Renderer *r, struct pb_rect rc, int thick, SDL_Color c)
{
	pb_draw_fill(r, (struct pb_rect){ rc.x, rc.y, rc.w, thick }, c);
	pb_draw_fill(r, (struct pb_rect){ rc.x, rc.y + rc.h - thick, rc.w, thick }, c);
	pb_draw_fill(r, (struct pb_rect){ rc.x, rc.y, thick, rc.h }, c);
	pb_draw_fill(r, (struct pb_rect){ rc.x + rc.w - thick, rc.y, thick, rc.h }, c);
}

void
pb_draw_text(struct pb_render *rd, const char *s, struct pb_rect box, int px, SDL_Color c)
{
	pb_text_draw(rd->text, s, box, px, c, PB_ALIGN_CENTER);
}

void
pb_draw_button(struct pb_render *rd, struct pb_rect rc, const char *label, int primary)
{
	SDL_Color bg = primary ? ACCENT : (SDL_Color){ 255, 255, 255, 40 };
	int pad = rc.h / 5;

	pb_draw_rounded(rd->r, rc, rc.h / 2, bg);
	pb_draw_text(rd, label,
		     (struct pb_rect){ rc.x + rc.h / 3, rc.y + pad, rc.w - 2 * (rc.h / 3),
				       rc.h - 2 * pad },
		     rc.h * 45 / 100, WHITE);
}

void
pb_draw_pill(struct pb_render *rd, struct pb_rect rc, const char *label)
{
	pb_draw_rounded(rd->r, rc, rc.h / 2, SHADE);
	pb_draw_text(
		rd, label,
		(struct pb_rect){ rc.x + rc.h / 2, rc.y + rc.h / 8, rc.w - rc.h, rc.h * 3 / 4 },
		rc.h * 55 / 100, WHITE);
}
