#include <stdio.h>
#include <string.h>

#include "staff.h"

int
pb_pin_valid(const char *pin)
{
	size_t n = strlen(pin);
	if (n < 4 || n > PB_PIN_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

void
pb_pin_init(struct pb_pin *p, const char *pin)
{
	memset(p, 0, sizeof(*p));
	if (pin && pb_pin_valid(pin))
		snprintf(p->want, sizeof(p->want), "%s", pin);
}

int
pb_pin_enabled(const struct pb_pin *p)
{
	return p->want[0] != '\0';
}

void
pb_pin_digit(struct pb_pin *p, char d)
{
	size_t n = strlen(p->typed);
	if (d >= '0' && d <= '9' && n < PB_PIN_MAX) {
		p->typed[n] = d;
		p->typed[n + 1] = '\0';
	}
}

void
pb_pin_backspace(struct pb_pin *p)
{
	size_t n = strlen(p->typed);
	if (n)
		p->typed[n - 1] = '\0';
}

void
pb_pin_clear(struct pb_pin *p)
{
	memset(p->typed, 0, sizeof(p->typed));
}

uint64_t
pb_pin_locked_ms(const struct pb_pin *p, uint64_t now_ms)
{
	return p->locked_until > now_ms ? p->locked_until - now_ms : 0;
}

/* Compares every byte of both buffers whatever they hold, so the time taken says nothing
 * about how many leading digits were right. */
static int
same(const char *a, const char *b)
{
	unsigned char diff = 0;
	for (size_t i = 0; i <= PB_PIN_MAX; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

enum pb_pin_result
pb_pin_submit(struct pb_pin *p, uint64_t now_ms)
{
	int ok = p->want[0] && same(p->typed, p->want);

	pb_pin_clear(p);
	if (pb_pin_locked_ms(p, now_ms))
		return PB_PIN_LOCKED;
	if (ok) {
		p->wrong = 0;
		p->streak = 0;
		return PB_PIN_OK;
	}
	if (++p->wrong >= PB_PIN_TRIES) {
		p->wrong = 0;
		if (p->streak < 64)
			p->streak++;
		p->locked_until = now_ms + pb_pin_lock_ms(p->streak);
		p->lockouts++;
		return PB_PIN_LOCKED;
	}
	return PB_PIN_WRONG;
}

uint64_t
pb_pin_lock_ms(unsigned streak)
{
	uint64_t ms = PB_PIN_LOCK_MS;
	for (unsigned i = 1; i < streak && ms < PB_PIN_LOCK_MAX_MS; i++)
		ms *= 2;
	return ms < PB_PIN_LOCK_MAX_MS ? ms : PB_PIN_LOCK_MAX_MS;
}

void
pb_pin_restore(struct pb_pin *p, int wrong, unsigned streak, uint64_t remaining_ms, uint64_t now_ms)
{
	p->wrong = wrong > 0 && wrong < PB_PIN_TRIES ? wrong : 0;
	p->streak = streak < 64 ? streak : 64;
	if (p->streak && remaining_ms) {
		uint64_t most = pb_pin_lock_ms(p->streak);
		p->locked_until = now_ms + (remaining_ms < most ? remaining_ms : most);
	}
}
