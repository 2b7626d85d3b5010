/* slots.h - how many photos one session, and one theme, can hold. */
#ifndef PB_SLOTS_H
#define PB_SLOTS_H

#define PB_MAX_SLOTS 8

#endif
