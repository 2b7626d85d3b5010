/* sendq_priv.h - the send queue's insides, shared by its two files: sendq.c (the lists, the
 * thread, the API) and sendq_store.c (the job files: writing, marking, deleting, recovering
 * after a crash). Not for other modules. Lock rules are sendq.c's: the lists and the stats
 * are under lock; the file functions run outside it, on a job marked busy or before the
 * thread starts. */
#ifndef PB_SENDQ_PRIV_H
#define PB_SENDQ_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "backoff.h"
#include "sendq.h"

struct job {
	struct job *next;
	char id[PB_SENDQ_ID_MAX];
	char *body;
	size_t len;
	long long added_ms; /* real time, from the id */
	long long expires;  /* wall seconds; 0: never */
	char label[128], about[64], key[64];
	unsigned attempts;
	struct pb_backoff bo;
	char error[256];
	int dead;    /* in the dead list */
	int saved;   /* its file is where its state says (dir/ or dir/dead/) */
	int busy;    /* the thread works on it outside the lock */
	int dropped; /* dropped while busy: the thread deletes it */
	int memory;  /* could not be written: kept in memory */
	int marked;  /* its sent marker is written (pb_sendq_accepted) */
};

struct pb_sendq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int started, stop;
	char *name, *dir, *dead_dir, *ext;
	pb_send_fn send;
	pb_describe_fn describe;
	void *ctx;
	struct job *sending; /* the job inside send(), for pb_sendq_accepted */
	uint64_t (*now_ms)(void);
	uint32_t first_ms, max_ms;
	struct pb_backoff channel;
	struct job *jobs, *dead, *trash; /* the queue (oldest first), dead letters, to delete */
	struct pb_sendq_stats stats;
	unsigned seq;
};

/* The wall clock in milliseconds (job ids and ages). */
long long sendq_wall_ms(void);

/* dir/<id>.<ext> (dead: dir/dead/...); ext NULL: the job file's. Malloc'd. */
char *sendq_path(const struct pb_sendq *q, const struct job *j, int dead, const char *ext);

/* Whether the channel takes body; f gets what it says (zeroed when it has no describe). */
int sendq_describe(const struct pb_sendq *q, const char *body, size_t len, struct pb_send_facts *f);

/* Deletes path (a missing file is fine) and frees it. */
void sendq_unlink(char *path);

/* Frees j, its body wiped. */
void sendq_job_free(struct job *j);

/* j's file where dead says (with error, for a dead letter), the other place's removed.
 * 0 or -1. */
int sendq_save(struct pb_sendq *q, struct job *j, int dead, const char *error);

/* j's sent marker (one open(O_CREAT), the folder fsynced). 0 or -1. */
int sendq_mark(struct pb_sendq *q, struct job *j);

/* Sent: the marker (unless there), the job's file, then the marker. */
void sendq_forget_sent(struct pb_sendq *q, struct job *j);

/* Every file of j, queued or dead. */
void sendq_delete_files(struct pb_sendq *q, struct job *j);

/* The jobs of dir (dead: the dead letters), oldest first, after what a crash left is
 * settled. At open, before the thread. */
struct job *sendq_recover(struct pb_sendq *q, const char *dir, int dead);

#endif
