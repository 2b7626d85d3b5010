/* staff.h - the staff screen's PIN keypad: what was typed, wrong tries and the lockout.
 * Pure (the caller's clock, no I/O), so tests drive it without sleeps. Main thread. */
#ifndef PB_STAFF_H
#define PB_STAFF_H

#include <stdint.h>

#define PB_PIN_MAX 8
#define PB_PIN_TRIES 5		    /* wrong PINs in a row before the keypad locks */
#define PB_PIN_LOCK_MS 60000u	    /* the first lock; each one after it, doubled */
#define PB_PIN_LOCK_MAX_MS 3600000u /* up to an hour: a 4-digit PIN then takes months */

enum pb_pin_result {
	PB_PIN_OK,     /* the right PIN: the staff screen opens */
	PB_PIN_WRONG,  /* wrong; tries are left */
	PB_PIN_LOCKED, /* wrong, or typed while locked: nothing is checked until the lock ends */
};

struct pb_pin {
	char want[PB_PIN_MAX + 1]; /* the configured PIN; "" disables the staff screen */
	char typed[PB_PIN_MAX + 1];
	int wrong;	       /* wrong PINs in a row */
	uint64_t locked_until; /* 0: not locked */
	unsigned lockouts;     /* since start-up */
	unsigned streak;       /* locks since the right PIN was last typed (kept across restarts) */
};

/* pin: 4 to 8 digits, or "" (the staff screen is off). */
void pb_pin_init(struct pb_pin *p, const char *pin);
/* Whether the staff screen can be opened at all (a PIN is configured). */
int pb_pin_enabled(const struct pb_pin *p);
/* A digit key ('0'..'9'); other characters and a ninth digit are ignored. */
void pb_pin_digit(struct pb_pin *p, char d);
void pb_pin_backspace(struct pb_pin *p);
/* Forgets the typed digits (the keypad closed); tries and the lock stay. */
void pb_pin_clear(struct pb_pin *p);
/* Checks the typed digits (in constant time) and clears them. */
enum pb_pin_result pb_pin_submit(struct pb_pin *p, uint64_t now_ms);
/* How long the streak-th lock in a row lasts: 60 s, 120 s, 240 s, ... up to an hour. */
uint64_t pb_pin_lock_ms(unsigned streak);
/* What a previous run left (settings.ini): wrong tries, the streak and the lock's remaining
 * time, each clamped to what it can be (a clock set back never makes a lock longer). */
void pb_pin_restore(struct pb_pin *p, int wrong, unsigned streak, uint64_t remaining_ms,
		    uint64_t now_ms);
/* Milliseconds until the lock ends; 0 when not locked. */
uint64_t pb_pin_locked_ms(const struct pb_pin *p, uint64_t now_ms);
/* Whether a string is an acceptable PIN: 4 to 8 ASCII digits. */
int pb_pin_valid(const char *pin);

#endif
