#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "deadline.h"
#include "gallery.h"
#include "landing.h"
#include "json.h"
#include "log.h"
#include "mem.h"
#include "num.h"
#include "share.h"

/* A connection, by its descriptor: when it began waiting for a request's headers. */
#define FD_RESERVE 256	/* descriptors kept for everything but the gallery */
#define PRESSURE_MS 500 /* the request deadline while the connection cap is nearly reached */

struct slot {
	uint64_t since_ms;
	unsigned char open, waiting;
};

struct pb_gallery {
	struct MHD_Daemon *d;
	char *data_dir;
	char *title;	    /* the event's name, plain text */
	char *public_url;   /* without a trailing slash; "" when none */
	atomic_uint opened; /* download pages served (GET) */
	atomic_uint cut;    /* connections cut at the header deadline */
	int port;
	unsigned max_connections, max_per_address, header_ms;

	/* the header deadline: libmicrohttpd's callbacks (its threads) fill the slots, the
	 * sweeper thread shuts down a connection whose headers are late */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *slots;
	int nslots; /* the descriptor limit */
	int stop;
	pthread_t sweeper;
	int sweeping;
};

static int
conn_fd(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci ? (int)ci->connect_fd : -1;
}

/* A connection opened (its first request's headers are due) or closed. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	struct pb_gallery *g = cls;
	int fd = conn_fd(c);
	(void)socket_context;
	if (fd < 0 || fd >= g->nslots)
		return;
	pthread_mutex_lock(&g->lock);
	g->slots[fd].open = toe == MHD_CONNECTION_NOTIFY_STARTED;
	g->slots[fd].waiting = g->slots[fd].open;
	g->slots[fd].since_ms = pb_now_ms();
	pthread_mutex_unlock(&g->lock);
}

/* A request answered: on a kept-alive connection the next one's headers are due. */
static void
on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode toe)
{
	struct pb_gallery *g = cls;
	int fd = conn_fd(c);
	(void)state, (void)toe;
	if (fd < 0 || fd >= g->nslots)
		return;
	pthread_mutex_lock(&g->lock);
	if (g->slots[fd].open) {
		g->slots[fd].waiting = 1;
		g->slots[fd].since_ms = pb_now_ms();
	}
	pthread_mutex_unlock(&g->lock);
}

/* The request is answered: the deadline that covered it (headers and any body) ends. */
static void
answering(struct pb_gallery *g, struct MHD_Connection *c)
{
	int fd = conn_fd(c);
	if (fd < 0 || fd >= g->nslots)
		return;
	pthread_mutex_lock(&g->lock);
	g->slots[fd].waiting = 0;
	pthread_mutex_unlock(&g->lock);
}

/* Every 250 ms: a connection whose request is not answered within the deadline (headers and
 * body: one deadline for the whole request) is shut down (libmicrohttpd then closes it).
 * While over 3/4 of the connection cap is taken, the deadline is PRESSURE_MS: a phone sends
 * its request in one packet, so only trickling clients wait that long, and cutting them
 * early keeps room for new guests. Under the lock, so the descriptor is still that
 * connection's: libmicrohttpd reports a close before it closes the descriptor. */
static void *
sweep(void *arg)
{
	struct pb_gallery *g = arg;
	unsigned reported = 0;
	uint64_t reported_ms = 0;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		uint64_t now = pb_now_ms(), limit = g->header_ms;
		unsigned open = 0;
		for (int fd = 0; fd < g->nslots; fd++)
			open += g->slots[fd].open;
		if (open > g->max_connections / 4 * 3 && limit > PRESSURE_MS)
			limit = PRESSURE_MS;
		for (int fd = 0; fd < g->nslots; fd++) {
			struct slot *s = &g->slots[fd];
			if (s->open && s->waiting && now - s->since_ms > limit) {
				shutdown(fd, SHUT_RDWR);
				s->waiting = 0;
				atomic_fetch_add(&g->cut, 1);
			}
		}
		unsigned cut = atomic_load(&g->cut);
		if (cut != reported && now - reported_ms >= 60000) {
			pb_warn("gallery: %u connection%s cut for sending no request within %u s "
				"(slow or hostile clients; %u since start)",
				cut - reported, cut - reported == 1 ? "" : "s", g->header_ms / 1000,
				cut);
			reported = cut;
			reported_ms = now;
		}
		pb_cond_wait_ms(&g->cond, &g->lock, 250);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

static void
common_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	/* a guest's photo: not for shared caches, not for other sites' pages */
	MHD_add_response_header(r, "Cache-Control", "private, no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
}

static enum MHD_Result
reply_text(struct MHD_Connection *c, unsigned code, const char *type, const char *body, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	common_headers(r, type);
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* An error answered before the request's body is read: the connection closes after it. */
static enum MHD_Result
refuse(struct MHD_Connection *c, unsigned code, const char *body, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	common_headers(r, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
not_found(struct MHD_Connection *c)
{
	static const char body[] = "<!doctype html><meta charset=utf-8><title>Not found</title>"
				   "<p>This link is not valid, or it has expired.</p>\n";
	return reply_text(c, MHD_HTTP_NOT_FOUND, "text/html; charset=utf-8", body,
			  sizeof(body) - 1);
}

static enum MHD_Result
page(struct pb_gallery *g, struct MHD_Connection *c, const char *token, time_t expires,
     const char *lang)
{
	struct pb_buf b;
	char *page_url = pb_xasprintf("%s/p/%s", g->public_url, token);
	char *photo_url = pb_xasprintf("%s/p/%s.jpg", g->public_url, token);
	struct pb_landing l = { g->title,  token, lang, expires, g->public_url[0] ? page_url : NULL,
				photo_url, 0 };
	pb_buf_init(&b);
	pb_landing_page(&b, &l);
	free(page_url);
	free(photo_url);
	enum MHD_Result ret = reply_text(c, MHD_HTTP_OK, "text/html; charset=utf-8", b.data, b.len);
	pb_buf_fini(&b);
	return ret;
}

static enum MHD_Result
photo(struct pb_gallery *g, struct MHD_Connection *c, const char *session)
{
	char *path = pb_xasprintf("%s/sessions/%s/share.jpg", g->data_dir, session);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	free(path);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return not_found(c);
	}
	/* libmicrohttpd sends the file (sendfile) and closes fd */
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	char disp[128];
	snprintf(disp, sizeof(disp), "attachment; filename=\"photo-%.48s.jpg\"", session);
	common_headers(r, "image/jpeg");
	MHD_add_response_header(r, "Content-Disposition", disp);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int
pb_gallery_route(const char *url, char token[PB_TOKEN_LEN + 1])
{
	/* exactly /p/<token> or /p/<token>.jpg; libmicrohttpd has already decoded %xx, so
	 * "%2e%2e" or "%2f" arrive as characters a token never has */
	size_t n = strlen(url);
	int jpg = n == 3 + PB_TOKEN_LEN + 4 && !memcmp(url + 3 + PB_TOKEN_LEN, ".jpg", 4);
	if (strncmp(url, "/p/", 3) || (n != 3 + PB_TOKEN_LEN && !jpg))
		return PB_ROUTE_NONE;
	memcpy(token, url + 3, PB_TOKEN_LEN);
	token[PB_TOKEN_LEN] = '\0';
	if (!pb_share_token_valid(token))
		return PB_ROUTE_NONE;
	return jpg ? PB_ROUTE_PHOTO : PB_ROUTE_PAGE;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_size, void **state)
{
	struct pb_gallery *g = cls;
	char token[PB_TOKEN_LEN + 1], session[128];
	(void)version;
	(void)upload_data;

	if (!*state) {
		/* first call: the headers are in. The gallery takes no request body: one that
		 * announces a body is answered now and closed, before a byte of it is read (a
		 * body trickled a byte at a time would otherwise hold the connection for ever) */
		*state = (void *)1;
		if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
			static const char body[] = "method not allowed\n";
			answering(g, c);
			return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, body, sizeof(body) - 1);
		}
		if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length") ||
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding")) {
			static const char body[] = "a request body is not taken here\n";
			answering(g, c);
			return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, body, sizeof(body) - 1);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0; /* (not reached: a body is refused above) */
		return MHD_YES;
	}
	answering(g, c);
	int route = pb_gallery_route(url, token);
	if (route == PB_ROUTE_NONE)
		return not_found(c);
	int jpg = route == PB_ROUTE_PHOTO;
	time_t expires;
	char lang[8];
	if (pb_share_link_read(g->data_dir, token, time(NULL), session, sizeof(session), &expires,
			       lang) != PB_OK)
		return not_found(c);
	if (!jpg && !strcmp(method, MHD_HTTP_METHOD_GET))
		atomic_fetch_add(&g->opened, 1);
	return jpg ? photo(g, c, session) : page(g, c, token, expires, lang);
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	long port;

	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return -1;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (pb_parse_long(colon + 1, 0, 65535, &port) != PB_NUM_OK)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

struct pb_gallery *
pb_gallery_start(const struct pb_gallery_config *cfg, char *why, size_t n)
{
	struct sockaddr_in sa;

	if (parse_listen(cfg->listen, &sa) < 0) {
		snprintf(why, n, "listen = %s: not ADDRESS:PORT (e.g. 0.0.0.0:8080)", cfg->listen);
		return NULL;
	}
	struct pb_gallery *g = pb_xcalloc(1, sizeof(*g));
	struct rlimit rl = { 1024, 1024 };
	getrlimit(RLIMIT_NOFILE, &rl);
	g->nslots = rl.rlim_cur > 65536 ? 65536 : (int)rl.rlim_cur;
	/* the connection cap leaves FD_RESERVE descriptors for the rest of the booth (photos,
	 * the camera, CUPS, SMTP, photoboothctl) */
	unsigned room = g->nslots > FD_RESERVE + 16 ? (unsigned)(g->nslots - FD_RESERVE) : 16u;
	g->max_connections = cfg->max_connections ? cfg->max_connections : 1000u;
	if (g->max_connections > room)
		g->max_connections = room;
	g->max_per_address = cfg->max_per_address ? cfg->max_per_address : 64u;
	g->header_ms = (cfg->header_timeout_s ? cfg->header_timeout_s : 5u) * 1000u;
	g->slots = pb_xcalloc((size_t)g->nslots, sizeof(*g->slots));
	pthread_mutex_init(&g->lock, NULL);
	pb_cond_init_monotonic(&g->cond);
	g->data_dir = pb_xstrdup(cfg->data_dir);
	g->title = pb_xstrdup(cfg->title ? cfg->title : "Your photo");
	/* absolute links for the page's previews, without a trailing slash */
	g->public_url = pb_xstrdup(cfg->public_url ? cfg->public_url : "");
	size_t ul = strlen(g->public_url);
	while (ul && g->public_url[ul - 1] == '/')
		g->public_url[--ul] = '\0';
	/* Two polling threads: a line of guests downloading at once is served while the one
	 * who just tapped Done is not kept waiting behind them. */
	g->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle, g,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, 2u,
		MHD_OPTION_CONNECTION_LIMIT, g->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		g->max_per_address, MHD_OPTION_CONNECTION_TIMEOUT,
		cfg->idle_timeout_s ? cfg->idle_timeout_s : 10u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)16384, MHD_OPTION_NOTIFY_CONNECTION, on_connection, g,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, g, MHD_OPTION_END);
	if (!g->d) {
		snprintf(why, n, "cannot listen on %s: %s", cfg->listen, strerror(errno));
		pb_gallery_stop(g);
		return NULL;
	}
	if (pthread_create(&g->sweeper, NULL, sweep, g) != 0) {
		snprintf(why, n, "cannot start the gallery's header-deadline thread");
		pb_gallery_stop(g);
		return NULL;
	}
	g->sweeping = 1;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(g->d, MHD_DAEMON_INFO_BIND_PORT);
	g->port = info ? info->port : ntohs(sa.sin_port);
	pb_info("gallery: serving download links on %s (port %d; at most %u connections, %u from "
		"one address, request headers within %u s)",
		cfg->listen, g->port, g->max_connections, g->max_per_address, g->header_ms / 1000);
	return g;
}

int
pb_gallery_port(const struct pb_gallery *g)
{
	return g->port;
}

void
pb_gallery_stop(struct pb_gallery *g)
{
	if (!g)
		return;
	if (g->sweeping) {
		pthread_mutex_lock(&g->lock);
		g->stop = 1;
		pthread_cond_signal(&g->cond);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->sweeper, NULL);
	}
	if (g->d)
		MHD_stop_daemon(g->d);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
	free(g->slots);
	free(g->data_dir);
	free(g->title);
	free(g->public_url);
	free(g);
}

unsigned
pb_gallery_opened(struct pb_gallery *g)
{
	return g ? atomic_load(&g->opened) : 0;
}

unsigned
pb_gallery_cut(struct pb_gallery *g)
{
	return g ? atomic_load(&g->cut) : 0;
}

unsigned
pb_gallery_max_connections(const struct pb_gallery *g)
{
	return g->max_connections;
}
