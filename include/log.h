/* log.h - logging to stderr with syslog priority prefixes, which journald understands.
 * Thread-safe: each call writes one whole line. */
#ifndef PB_LOG_H
#define PB_LOG_H

#define PB_LOG_ERR 3
#define PB_LOG_WARNING 4
#define PB_LOG_NOTICE 5
#define PB_LOG_INFO 6
#define PB_LOG_DEBUG 7

/* Messages less urgent than this priority are dropped. Default PB_LOG_INFO. */
void pb_log_set_level(int prio);

void pb_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pb_err(...) pb_log(PB_LOG_ERR, __VA_ARGS__)
#define pb_warn(...) pb_log(PB_LOG_WARNING, __VA_ARGS__)
#define pb_notice(...) pb_log(PB_LOG_NOTICE, __VA_ARGS__)
#define pb_info(...) pb_log(PB_LOG_INFO, __VA_ARGS__)
#define pb_debug(...) pb_log(PB_LOG_DEBUG, __VA_ARGS__)

#endif
