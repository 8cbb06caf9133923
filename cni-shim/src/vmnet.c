/*
 * vmnet - CNI plugin shim for vmnetd, installed as /opt/cni/bin/vmnet.
 *
 * It makes no networking decisions: it forwards each CNI call to vmnetd over a
 * Unix socket and hands the answer back to the runtime. It is static and uses
 * only libc, so it runs on any node whatever its userland.
 * It runs as root and hands the runtime whatever the other end answers, so it
 * talks only to a socket whose listening process is root's (SO_PEERCRED), and
 * the socket comes from VMNETD_SOCKET or the default, never from the netconf
 * (which whoever writes a NetworkAttachmentDefinition controls).
 * The protocol is documented in README.md, section "Shim protocol".
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/vmnetd/vmnetd.sock"
#define SHIM_CNI_VERSION "1.1.0"
#define MAX_STDIN (1024 * 1024)
#define MAX_BODY (16 * 1024 * 1024)
#define MAX_HEADERS (64 * 1024)
#define POLL_MS 200
#define MAX_DEPTH 512   /* bounds the scanner's recursion on hostile stdin */

/* How an exchange ended. WAIT: not reachable or not ready, worth waiting for; GIVE_UP: waiting would not help;
 * UNTRUSTED: the socket's listener is not root, and nothing was sent. */
enum { ANSWERED, WAIT, GIVE_UP, MALFORMED, UNTRUSTED };

typedef struct { char *p; size_t len, cap; } buf_t;

typedef struct {
    int status, exit_code;   /* exit_code -1: header missing or invalid */
    buf_t body, warnings;    /* warnings: one line per Vmnet-Warning */
} resp_t;

static const char *cni_version = SHIM_CNI_VERSION;
static long io_s;

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        struct pollfd pf = { fd, POLLOUT, 0 };
        if (w > 0) { p += w; n -= (size_t)w; }
        else if (w < 0 && errno == EAGAIN) poll(&pf, 1, -1);   /* the runtime may hand us a non-blocking pipe */
        else if (w < 0 && errno != EINTR) return -1;
    }
    return 0;
}

/* Ensures room for extra more bytes plus a terminating NUL, so b->p is always a C string.
 * No overflow check: every buffer is bounded by the stdin, header and body limits. */
static void buf_grow(buf_t *b, size_t extra)
{
    static const char oom[] = "{\"cniVersion\":\"" SHIM_CNI_VERSION "\",\"code\":5,\"msg\":\"vmnet: out of memory\"}\n";
    size_t need = b->len + extra + 1, cap = b->cap ? b->cap : 256;
    char *p;
    if (need <= b->cap) return;
    while (cap < need) cap *= 2;
    if (!(p = realloc(b->p, cap))) { write_all(1, oom, sizeof oom - 1); _exit(1); }
    b->p = p;
    b->cap = cap;
}

static void buf_add(buf_t *b, const void *d, size_t n)
{
    buf_grow(b, n);
    if (n) memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void buf_str(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_clear(buf_t *b) { b->len = 0; buf_add(b, "", 0); }

static void __attribute__((format(printf, 2, 3))) buf_fmt(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);   /* fails only without memory; the text is then left out */
    va_end(ap);
    if (n >= 0) { buf_add(b, s, (size_t)n); free(s); }
}

/* Appends s[0..n) as a JSON string. Bytes >= 0x80 are copied as they are, so that
 * malformed stdin still reaches the daemon, which reports it properly (CNI error 6). */
static void buf_json(buf_t *b, const char *s, size_t n)
{
    buf_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20) buf_fmt(b, "\\u%04x", c);
        else if (c == '"' || c == '\\') buf_add(b, (char[]){ '\\', (char)c }, 2);
        else buf_add(b, &c, 1);
    }
    buf_add(b, "\"", 1);
}

static void __attribute__((noreturn)) cni_fail(int code, const char *msg, const char *details, size_t dlen)
{
    buf_t b = { 0 };
    buf_str(&b, "{\"cniVersion\":");
    buf_json(&b, cni_version, strlen(cni_version));
    buf_fmt(&b, ",\"code\":%d,\"msg\":", code);
    buf_json(&b, msg, strlen(msg));
    if (details) { buf_str(&b, ",\"details\":"); buf_json(&b, details, dlen); }
    buf_str(&b, "}\n");
    write_all(1, b.p, b.len);
    exit(1);
}

/* A small JSON scanner, just enough to find the top-level "cniVersion". */
typedef struct { const unsigned char *p, *e; const char *key; buf_t val; int found; } js_t;

static void js_ws(js_t *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

/* Parses the string at j->p; decoded bytes go to out (if not NULL). *plain is cleared
 * if a \uXXXX escape was seen, as those are not decoded. Returns 0, or -1 on a syntax error. */
static int js_string(js_t *j, buf_t *out, int *plain)
{
    static const char esc[] = "\"\\/bfnrt", dec[] = "\"\\/\b\f\n\r\t";
    *plain = 1;
    if (j->p >= j->e || *j->p++ != '"') return -1;
    while (j->p < j->e) {
        unsigned char c = *j->p++;
        const char *x;
        if (c == '"') return 0;
        if (c < 0x20) return -1;
        if (c == '\\') {
            if (j->p >= j->e) return -1;
            if ((c = *j->p++) == 'u') {
                for (int i = 0; i < 4; i++, j->p++)
                    if (j->p >= j->e || !isxdigit(*j->p)) return -1;
                *plain = 0;
                continue;
            }
            if (!c || !(x = strchr(esc, c))) return -1;
            c = (unsigned char)dec[x - esc];
        }
        if (out) buf_add(out, &c, 1);
    }
    return -1;
}

/* Skips one JSON value, capturing the last top-level member j->key (the last wins, as in common
 * JSON libraries) if its value is a string without \u escapes. Returns 0, or -1 on a syntax error. */
static int js_value(js_t *j, int depth)
{
    int plain;
    js_ws(j);
    if (j->p >= j->e || depth > MAX_DEPTH) return -1;
    if (*j->p == '"') return js_string(j, NULL, &plain);
    if (*j->p == '{' || *j->p == '[') {
        unsigned char close = *j->p++ == '{' ? '}' : ']';
        js_ws(j);
        if (j->p < j->e && *j->p == close) { j->p++; return 0; }
        for (;;) {
            int match = 0;
            if (close == '}') {
                js_ws(j);
                /* Compared undecoded: no escape other than \u decodes to a letter, and \u is refused. */
                const unsigned char *k = j->p + 1;
                if (js_string(j, NULL, &plain)) return -1;
                match = !depth && (size_t)(j->p - 1 - k) == strlen(j->key) && memcmp(k, j->key, strlen(j->key)) == 0;
                js_ws(j);
                if (j->p >= j->e || *j->p++ != ':') return -1;
                js_ws(j);
            }
            if (match && j->p < j->e && *j->p == '"') {
                buf_clear(&j->val);
                if (js_string(j, &j->val, &plain)) return -1;
                j->found = plain;
            } else {
                j->found &= !match;
                if (js_value(j, depth + 1)) return -1;
            }
            js_ws(j);
            if (j->p >= j->e) return -1;
            unsigned char c = *j->p++;
            if (c == close) return 0;
            if (c != ',') return -1;
        }
    }
    const char *lit = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
    size_t n = strlen(lit);
    if ((size_t)(j->e - j->p) >= n && memcmp(j->p, lit, n) == 0) { j->p += n; return 0; }
    const unsigned char *s = j->p;   /* a number; checked loosely, the daemon validates */
    while (j->p < j->e && (isdigit(*j->p) || (*j->p && strchr("+-.eE", *j->p)))) j->p++;
    return j->p > s ? 0 : -1;
}

/* The value of the top-level string member key (malloc'd), or NULL. Only a well-formed
 * object counts, so the shim never acts on a value the daemon would reject. */
static char *json_top_string(const char *data, size_t len, const char *key)
{
    js_t j = { (const unsigned char *)data, (const unsigned char *)data + len, key, { 0 }, 0 };
    js_ws(&j);
    int ok = j.p < j.e && *j.p == '{' && js_value(&j, 0) == 0;
    js_ws(&j);
    if (ok && j.p == j.e && j.found) return j.val.p;
    free(j.val.p);
    return NULL;
}

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Parses one decimal number of 1 to maxd digits: the value, or -1. */
static long parse_num(const char *s, size_t n, size_t maxd)
{
    long v = 0;
    if (n == 0 || n > maxd) return -1;
    for (size_t i = 0; i < n; v = v * 10 + (s[i++] - '0'))
        if (s[i] < '0' || s[i] > '9') return -1;
    return v;
}

/* Parses the status line and headers in p[0..hend), hend just past the blank line.
 * Returns the Content-Length, or -1 with why set. */
static long parse_head(const char *p, size_t hend, resp_t *r, buf_t *why)
{
    long clen = -1;
    r->status = hend >= 14 && memcmp(p, "HTTP/1.", 7) == 0 && p[8] == ' ' && (p[12] == ' ' || p[12] == '\r')
                ? (int)parse_num(p + 9, 3, 3) : -1;
    if (r->status < 100) { buf_str(why, "bad HTTP status line"); return -1; }
    r->exit_code = -1;
    r->warnings.len = 0;
    /* memmem, not strstr: a NUL in a header must not run past the block, which ends in CRLF CRLF. */
    for (const char *l = (const char *)memmem(p, hend, "\r\n", 2) + 2, *le;
         (le = memmem(l, (size_t)(p + hend - l), "\r\n", 2)) != l; l = le + 2) {
        const char *colon = memchr(l, ':', (size_t)(le - l)), *v, *ve = le;
        if (!colon) { buf_str(why, "bad HTTP header line"); return -1; }
        size_t nl = (size_t)(colon - l);
        for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++) {}
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        size_t vl = (size_t)(ve - v);
        if (nl == 14 && strncasecmp(l, "content-length", nl) == 0) {
            if ((clen = parse_num(v, vl, 12)) < 0) { buf_str(why, "bad Content-Length"); return -1; }
            if (clen > MAX_BODY) { buf_str(why, "response body over 16 MiB"); return -1; }
        } else if (nl == 15 && strncasecmp(l, "vmnet-exit-code", nl) == 0) {
            long x = parse_num(v, vl, 3);
            r->exit_code = x > 255 ? -1 : (int)x;
        } else if (nl == 13 && strncasecmp(l, "vmnet-warning", nl) == 0) {
            buf_add(&r->warnings, v, vl);
            buf_add(&r->warnings, "\n", 1);
        }
    }
    /* vmnetd (netty) always sends Content-Length; anything else is not our daemon. */
    if (clen < 0) buf_str(why, "response has no Content-Length");
    return clen;
}

/* One exchange on a new connection (the daemon closes each one): sends req and reads the
 * response into r. why describes any outcome other than ANSWERED. */
static int exchange(const char *path, const buf_t *req, resp_t *r, buf_t *why)
{
    int64_t deadline = now_ms() + (int64_t)io_s * 1000;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    buf_t *raw = &r->body;   /* the body is moved to the front once complete */
    size_t off = 0, hend = 0;
    long clen = 0;
    int res = GIVE_UP;

    buf_clear(why);
    buf_clear(raw);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) { buf_fmt(why, "socket: %s", strerror(errno)); return GIVE_UP; }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    /* A non-blocking Unix connect() completes or fails at once; EAGAIN (backlog full)
     * is waited out like a refusal. */
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        buf_fmt(why, "connect: %s", strerror(errno));
        close(fd);
        return WAIT;
    }
    /* Who listens: the credentials the kernel recorded at listen(). Checked before a byte is sent. */
    struct ucred peer;
    socklen_t plen = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &plen) < 0) {
        buf_fmt(why, "SO_PEERCRED: %s", strerror(errno));
        close(fd);
        return UNTRUSTED;
    }
    if (peer.uid != 0) {
        buf_fmt(why, "the process listening on it (pid %ld) runs as uid %lu, not root", (long)peer.pid,
                (unsigned long)peer.uid);
        close(fd);
        return UNTRUSTED;
    }
    for (;;) {
        struct pollfd pf = { fd, off < req->len ? POLLOUT : POLLIN, 0 };
        int64_t left = deadline - now_ms();   /* at most a day, so it fits an int */
        if (left <= 0) { buf_fmt(why, "no complete response within %ld s", io_s); break; }
        int k = poll(&pf, 1, (int)left);
        if (k < 0 && errno != EINTR) { buf_fmt(why, "poll: %s", strerror(errno)); break; }
        if (k <= 0) continue;
        if (off < req->len) {
            ssize_t w = send(fd, req->p + off, req->len - off, MSG_NOSIGNAL);
            if (w >= 0) off += (size_t)w;
            else if (errno == EPIPE || errno == ECONNRESET) off = req->len;   /* it may have answered early */
            else if (errno != EINTR && errno != EAGAIN) { buf_fmt(why, "send: %s", strerror(errno)); break; }
            continue;
        }
        buf_grow(raw, 65536);
        ssize_t n = recv(fd, raw->p + raw->len, 65536, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) {   /* only a close before any answer (a restarting daemon, say) is worth waiting out */
            if (n < 0) buf_fmt(why, "recv: %s%s", strerror(errno), raw->len ? " (response incomplete)" : "");
            else buf_str(why, raw->len ? "connection closed before the response was complete"
                                      : "connection closed without a response");
            res = raw->len ? GIVE_UP : WAIT;
            break;
        }
        raw->len += (size_t)n;
        raw->p[raw->len] = 0;
        if (!hend) {
            char *e = memmem(raw->p, raw->len, "\r\n\r\n", 4);
            if (!e && raw->len >= 5 && memcmp(raw->p, "HTTP/", 5) != 0) buf_str(why, "not an HTTP response");
            else if (!e && raw->len > MAX_HEADERS) buf_str(why, "response headers over 64 KiB");
            else if (!e) continue;
            else clen = parse_head(raw->p, hend = (size_t)(e - raw->p) + 4, r, why);
            if (!e || clen < 0) { res = MALFORMED; break; }
        }
        if (raw->len - hend < (size_t)clen) continue;
        memmove(raw->p, raw->p + hend, (size_t)clen);
        raw->len = (size_t)clen;
        raw->p[raw->len] = 0;
        res = ANSWERED;
        break;
    }
    close(fd);
    return res;
}

static long env_seconds(const char *name, long def, long min)
{
    const char *s = getenv(name);
    char *end = NULL;
    errno = 0;
    long v = s && *s ? strtol(s, &end, 10) : def;
    return end && (errno || *end || v < min) ? def : v > 86400 ? 86400 : v;
}

int main(void)
{
    buf_t in = { 0 }, body = { 0 }, post = { 0 }, readyz = { 0 }, why = { 0 }, msg = { 0 };
    resp_t r = { 0 };
    char *s;

    signal(SIGPIPE, SIG_IGN);
    for (int fd = 0; fd <= 2; fd++)   /* keep the socket off fds 0-2 if the runtime closed them */
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0) return 1;

    for (ssize_t n = 1; n > 0 && in.len <= MAX_STDIN;) {   /* an unreadable stdin counts as EOF */
        struct pollfd pf = { 0, POLLIN, 0 };
        buf_grow(&in, 65536);
        if ((n = read(0, in.p + in.len, 65536)) > 0) in.len += (size_t)n;
        else if (n < 0 && (errno == EINTR || errno == EAGAIN)) { poll(&pf, 1, -1); n = 1; }
    }

    const char *cmd = getenv("CNI_COMMAND");
    if (cmd && strcmp(cmd, "VERSION") == 0) {
        static const char v[] = "{\"cniVersion\":\"" SHIM_CNI_VERSION "\",\"supportedVersions\":"
                                "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n";
        return write_all(1, v, sizeof v - 1) ? 1 : 0;
    }
    if (in.len <= MAX_STDIN && (s = json_top_string(in.p, in.len, "cniVersion")) && *s) cni_version = s;
    if (!cmd || !*cmd) cni_fail(4, "CNI_COMMAND is not set", NULL, 0);
    static const char limit[] = "stdin is limited to 1048576 bytes";
    if (in.len > MAX_STDIN) cni_fail(5, "network configuration over 1 MiB", limit, sizeof limit - 1);

    const char *path = getenv("VMNETD_SOCKET");
    if (!path || !*path) path = DEFAULT_SOCKET;
    size_t max_path = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
    if (strlen(path) > max_path) {
        buf_fmt(&msg, "the socket path is %zu bytes; a Unix socket path is limited to %zu: %s",
                strlen(path), max_path, path);
        cni_fail(5, "vmnetd socket path too long", msg.p, msg.len);
    }

    static const char *const fields[][2] = { { "command", "CNI_COMMAND" }, { "containerId", "CNI_CONTAINERID" },
        { "netns", "CNI_NETNS" }, { "ifname", "CNI_IFNAME" }, { "args", "CNI_ARGS" }, { "path", "CNI_PATH" } };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = getenv(fields[i][1]);
        buf_fmt(&body, "%c\"%s\":", i ? ',' : '{', fields[i][0]);
        if (v) buf_json(&body, v, strlen(v));
        else buf_str(&body, "null");
    }
    buf_str(&body, ",\"config\":");
    buf_json(&body, in.p, in.len);
    buf_str(&body, "}");
    buf_fmt(&post, "POST /v1/cni HTTP/1.1\r\nHost: vmnetd\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n", body.len);
    buf_add(&post, body.p, body.len);
    buf_str(&readyz, "GET /readyz HTTP/1.1\r\nHost: vmnetd\r\nConnection: close\r\n\r\n");

    io_s = env_seconds("VMNETD_IO_TIMEOUT_SECONDS", 120, 1);
    int64_t start = now_ms(), deadline = start + (int64_t)env_seconds("VMNETD_WAIT_SECONDS", 30, 0) * 1000;
    int res, polling = 0;
    /* Re-sending the POST blindly could queue many CNI calls at a daemon that is still
     * starting; /readyz is cheap, so the shim asks it until the daemon is ready. */
    for (;;) {
        res = exchange(path, polling ? &readyz : &post, &r, &why);
        if (res == ANSWERED && (polling ? r.status != 200 : r.status == 503)) {
            buf_clear(&why);
            buf_fmt(&why, "HTTP %d to %s: %.*s", r.status, polling ? "GET /readyz" : "POST /v1/cni",
                    (int)(r.body.len > 512 ? 512 : r.body.len), r.body.p);
            res = WAIT;
        }
        if (res == ANSWERED && polling) { polling = 0; continue; }
        if (res != WAIT) break;
        polling = 1;
        int64_t left = deadline - now_ms();
        if (left <= 0) break;
        struct timespec ts = { 0, (long)(left < POLL_MS ? left : POLL_MS) * 1000000L };
        nanosleep(&ts, NULL);
    }

    if (res == UNTRUSTED) {
        if (strcmp(cmd, "DEL") == 0) {   /* as when the daemon is unreachable: teardown is never blocked */
            dprintf(2, "vmnet: refusing to talk to %s: %s; DEL treated as done, the daemon reclaims leftovers "
                       "by GC\n", path, why.p);
            return 0;
        }
        buf_fmt(&msg, "socket %s: %s; nothing was sent", path, why.p);
        cni_fail(5, "vmnetd socket is not served by root; refusing to talk to it", msg.p, msg.len);
    }
    if (res == MALFORMED) {
        buf_fmt(&msg, "socket %s: %s", path, why.p);
        cni_fail(5, "malformed HTTP response from vmnetd", msg.p, msg.len);
    }
    if (res != ANSWERED) {
        long secs = (long)((now_ms() - start + 500) / 1000);
        if (strcmp(cmd, "DEL") == 0) {   /* never block pod teardown; the daemon's GC reclaims leftovers */
            dprintf(2, "vmnet: vmnetd not reachable or not ready at %s after %lds; DEL treated as done, "
                       "the daemon reclaims leftovers by GC (last error: %s)\n", path, secs, why.p);
            return 0;
        }
        buf_fmt(&msg, "socket %s: %s (gave up after %lds)", path, why.p, secs);
        cni_fail(11, "vmnetd is not reachable or not ready; try again later", msg.p, msg.len);
    }

    if (r.warnings.len) write_all(2, r.warnings.p, r.warnings.len);
    if (r.status != 200) {
        buf_fmt(&msg, "vmnetd answered HTTP %d", r.status);
        cni_fail(5, msg.p, r.body.p, r.body.len);
    }
    if (r.exit_code < 0) dprintf(2, "vmnet: vmnetd response has no valid Vmnet-Exit-Code header; exiting 1\n");
    if (write_all(1, r.body.p, r.body.len)) return 1;
    return r.exit_code < 0 ? 1 : r.exit_code;
}
