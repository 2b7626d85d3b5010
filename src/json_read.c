/* json_read.c - in-place JSON lookups (json_read.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

#define DEPTH_MAX 32

static const char *
ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Past the string at p (its opening quote), or NULL. */
static const char *
skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && !*++p)
			return NULL;
	return *p == '"' ? p + 1 : NULL;
}

/* Past the value at p, or NULL when it is malformed. */
static const char *
skip_value(const char *p, int depth)
{
	p = ws(p);
	if (depth > DEPTH_MAX)
		return NULL;
	if (*p == '"')
		return skip_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				if (*p != '"' || !(p = skip_string(p)))
					return NULL;
				p = ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = skip_value(p, depth + 1)))
				return NULL;
			p = ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
			p = ws(p);
		}
	}
	if (*p == '-' || isdigit((unsigned char)*p)) {
		p++;
		while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E' ||
		       *p == '+' || *p == '-')
			p++;
		return p;
	}
	for (const char *lit = "true\0false\0null\0"; *lit; lit += strlen(lit) + 1)
		if (!strncmp(p, lit, strlen(lit)))
			return p + strlen(lit);
	return NULL;
}

/* Past the value at p and its comma, at the next member or element; NULL after the last one
 * or when the text is malformed. */
static const char *
next(const char *p)
{
	if (!(p = skip_value(p, 1)))
		return NULL;
	p = ws(p);
	return *p == ',' ? ws(p + 1) : NULL;
}

/* The member named name (n bytes) of the object at p, or NULL. */
static const char *
member(const char *p, const char *name, size_t n)
{
	p = ws(p);
	if (*p != '{')
		return NULL;
	p = ws(p + 1);
	while (*p == '"') {
		const char *k = p + 1, *end = skip_string(p);
		if (!end)
			return NULL;
		p = ws(end);
		if (*p++ != ':')
			return NULL;
		p = ws(p);
		if ((size_t)(end - 1 - k) == n && !strncmp(k, name, n))
			return p;
		if (!(p = next(p)))
			return NULL;
	}
	return NULL;
}

const char *
pb_json_at(const char *json, const char *path)
{
	const char *p = json;
	while (p && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		p = member(p, path, n);
		path += n + (dot ? 1 : 0);
	}
	return p ? ws(p) : NULL;
}

const char *
pb_json_elem(const char *v, int i)
{
	const char *p = v ? ws(v) : NULL;
	if (!p || *p != '[')
		return NULL;
	p = ws(p + 1);
	if (*p == ']')
		return NULL;
	for (; i > 0; i--)
		if (!(p = next(p)))
			return NULL;
	return skip_value(p, 1) ? p : NULL;
}

const char *
pb_json_next(const char *elem)
{
	return elem ? next(elem) : NULL;
}

int
pb_json_is_object(const char *text)
{
	const char *p = ws(text), *end = *p == '{' ? skip_value(p, 1) : NULL;
	return end && !*ws(end);
}

int
pb_json_int_of(const char *v, long long *out)
{
	char *end;
	if (!v || !(*v == '-' || isdigit((unsigned char)*v)))
		return -1;
	*out = strtoll(v, &end, 10);
	return end == v ? -1 : 0;
}

int
pb_json_str_of(const char *v, char *out, size_t n)
{
	size_t o = 0;
	if (n)
		out[0] = '\0';
	if (!v || *v != '"' || !skip_string(v))
		return -1;
	for (const char *p = v + 1; *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			c = *++p;
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'u':
				for (int k = 0; k < 4 && isxdigit((unsigned char)p[1]); k++)
					p++;
				c = '?';
				break;
			default:
				break; /* \" \\ \/ */
			}
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	if (n)
		out[o] = '\0';
	return 0;
}
