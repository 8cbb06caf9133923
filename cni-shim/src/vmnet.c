/*
 * vmnet - CNI plugin shim for vmnetd (installed as /opt/cni/bin/vmnet).
 *
 * The shim makes no networking decisions. It forwards each CNI call to
 * the vmnetd daemon over a Unix socket and passes the answer back to the
 * runtime. It is a static binary that uses only libc.
 *
 * Input (CNI spec 1.1.0): env CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS,
 * CNI_IFNAME, CNI_ARGS, CNI_PATH; network configuration JSON on stdin.
 *
 * Socket path: env VMNETD_SOCKET if non-empty; otherwise the top-level
 * string key "socket" of the stdin JSON if non-empty; otherwise
 * /run/vmnetd/vmnetd.sock. If the path does not fit in sun_path (107
 * bytes), the shim fails with CNI error 5.
 *
 * Request (one per attempt, on a new connection):
 *   POST /v1/cni HTTP/1.1
 *   Host: vmnetd
 *   Content-Type: application/json
 *   Content-Length: <n>
 *   Connection: close
 *
 *   {"command":"ADD","containerId":"...","netns":"...","ifname":"...",
 *    "args":"...","path":"...","config":"<stdin>"}
 * The six env values go in the order shown. An unset variable is sent as
 * null and an empty one as "". "config" is the whole of stdin as a JSON
 * string: '"' and '\' are escaped, bytes < 0x20 become \u00XX, and all
 * other bytes (including bytes >= 0x80) are copied unchanged. This way
 * malformed stdin still reaches the daemon, which answers with CNI error 6.
 *
 * Response: an HTTP/1.x status line, headers, and a body. The body is
 * framed by Content-Length, by chunked transfer coding, or by EOF.
 * 1xx interim responses are skipped. Header names are case-insensitive.
 *   - Each Vmnet-Warning header value is written to stderr, one per line.
 *   - 200: the body is written verbatim to stdout. The exit status is the
 *     integer 0..255 in Vmnet-Exit-Code. If that header is missing or
 *     invalid, the exit status is 1.
 *   - 503: the daemon is not ready. This is handled like a connection
 *     failure (see below).
 *   - Any other status: CNI error 5, msg "vmnetd answered HTTP <status>",
 *     details = the response body; exit 1.
 *   - A response that cannot be parsed, or a body over 16 MiB: CNI error 5;
 *     exit 1.
 *
 * Retry: a failed connect(), a 503, or a connection closed before any
 * response byte arrives is retried every 200 ms. The same request is sent
 * again each time, until VMNETD_WAIT_SECONDS (an integer; default 30;
 * 0 = try once) have passed since the first attempt. Each attempt has a
 * total I/O timeout of VMNETD_IO_TIMEOUT_SECONDS (default 120). A timeout,
 * or a connection that breaks in the middle of a response, ends the
 * retries at once. When the shim gives up:
 *   - DEL: nothing on stdout, a warning on stderr, exit 0. Pod teardown
 *     must never be blocked by a stopped daemon; the daemon's GC reclaims
 *     leftovers.
 *   - any other command: CNI error 11 "vmnetd is not reachable or not
 *     ready; try again later" (details name the socket and the last
 *     error); exit 1.
 *
 * Answered locally, without contacting the daemon:
 *   - CNI_COMMAND=VERSION: {"cniVersion":"1.1.0","supportedVersions":
 *     ["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}, exit 0.
 *   - CNI_COMMAND unset or empty: CNI error 4, exit 1.
 *   - stdin over 1 MiB: CNI error 5, exit 1.
 * Any other command string is forwarded; the daemon rejects unknown ones.
 *
 * The shim's own errors have the form
 * {"cniVersion":"<V>","code":N,"msg":"...","details":"..."}, where V is the
 * top-level "cniVersion" string of stdin if there is one, else "1.1.0".
 *
 * Build: cc -O2 -static -Wall -Wextra -Werror -o target/vmnet src/vmnet.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#define MAX_RAW (MAX_BODY + 1024 * 1024)
#define RETRY_MS 200
#define MAX_DEPTH 512

enum { A_OK, A_RETRY, A_UNREACH, A_BAD };

typedef struct { char *p; size_t len, cap; } buf_t;

typedef struct {
    int status, exit_code;   /* exit_code -1: header missing or invalid */
    buf_t body, warnings;    /* warnings: one line per Vmnet-Warning */
} resp_t;

static const char *cni_version = SHIM_CNI_VERSION;

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w > 0) { p += w; n -= (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = { fd, POLLOUT, 0 };
            if (poll(&pf, 1, -1) < 0 && errno != EINTR) return -1;
            continue;
        }
        return -1;
    }
    return 0;
}

static void __attribute__((noreturn)) oom(void)
{
    static const char m[] =
        "{\"cniVersion\":\"" SHIM_CNI_VERSION "\",\"code\":5,\"msg\":\"vmnet: out of memory\"}\n";
    write_all(1, m, sizeof m - 1);
    _exit(1);
}

/* Ensures room for extra more bytes plus a terminating NUL. */
static void buf_grow(buf_t *b, size_t extra)
{
    if (extra > SIZE_MAX / 4 - b->len) oom();
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) oom();
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

static void __attribute__((format(printf, 2, 3))) buf_fmt(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Appends s[0..n) as a JSON string literal. */
static void buf_json(buf_t *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0, i;
    buf_add(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_add(b, s + run, i - run);
        run = i + 1;
        if (c < 0x20) {
            char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            buf_add(b, e, 6);
        } else {
            char e[2] = { '\\', (char)c };
            buf_add(b, e, 2);
        }
    }
    buf_add(b, s + run, n - run);
    buf_add(b, "\"", 1);
}

static void buf_json_opt(buf_t *b, const char *s)
{
    if (s) buf_json(b, s, strlen(s));
    else buf_str(b, "null");
}

static void __attribute__((noreturn)) cni_fail(int code, const char *msg, const char *details, size_t dlen)
{
    buf_t b = { 0 };
    buf_str(&b, "{\"cniVersion\":");
    buf_json(&b, cni_version, strlen(cni_version));
    buf_fmt(&b, ",\"code\":%d,\"msg\":", code);
    buf_json(&b, msg, strlen(msg));
    if (details) {
        buf_str(&b, ",\"details\":");
        buf_json(&b, details, dlen);
    }
    buf_str(&b, "}\n");
    write_all(1, b.p, b.len);
    exit(1);
}

/* ---- A small JSON scanner: finds a top-level string member. ---- */

typedef struct { const unsigned char *p, *e; } js_t;

static void js_ws(js_t *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int js_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Parses the string at j->p. Decoded bytes go to out (if not NULL).
 * *plain is cleared if a \uXXXX escape was seen. Returns 0, or -1 on a syntax error. */
static int js_string(js_t *j, buf_t *out, int *plain)
{
    *plain = 1;
    if (j->p >= j->e || *j->p != '"') return -1;
    j->p++;
    while (j->p < j->e) {
        unsigned char c = *j->p++;
        if (c == '"') return 0;
        if (c < 0x20) return -1;
        if (c == '\\') {
            if (j->p >= j->e) return -1;
            switch (c = *j->p++) {
            case '"': case '\\': case '/': break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                for (int i = 0; i < 4; i++, j->p++)
                    if (j->p >= j->e || !js_hex(*j->p)) return -1;
                *plain = 0;
                continue;
            default: return -1;
            }
        }
        if (out) buf_add(out, &c, 1);
    }
    return -1;
}

/* Skips one JSON value of any type. Returns 0, or -1 on a syntax error. */
static int js_skip(js_t *j, int depth)
{
    int plain;
    js_ws(j);
    if (j->p >= j->e || depth > MAX_DEPTH) return -1;
    if (*j->p == '"') return js_string(j, NULL, &plain);
    if (*j->p == '{' || *j->p == '[') {
        unsigned char close = *j->p == '{' ? '}' : ']';
        j->p++;
        js_ws(j);
        if (j->p < j->e && *j->p == close) { j->p++; return 0; }
        for (;;) {
            if (close == '}') {
                js_ws(j);
                if (js_string(j, NULL, &plain)) return -1;
                js_ws(j);
                if (j->p >= j->e || *j->p++ != ':') return -1;
            }
            if (js_skip(j, depth + 1)) return -1;
            js_ws(j);
            if (j->p >= j->e) return -1;
            unsigned char c = *j->p++;
            if (c == close) return 0;
            if (c != ',') return -1;
        }
    }
    static const char *const lits[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(j->e - j->p) >= n && memcmp(j->p, lits[i], n) == 0) { j->p += n; return 0; }
    }
    const unsigned char *s = j->p;   /* a number; checked loosely */
    while (j->p < j->e && ((*j->p >= '0' && *j->p <= '9') || *j->p == '-' || *j->p == '+' ||
                           *j->p == '.' || *j->p == 'e' || *j->p == 'E'))
        j->p++;
    return j->p > s ? 0 : -1;
}

/* Looks for a top-level string member named key (the last one wins, as in
 * common JSON libraries). It is found only if the whole document is a
 * well-formed object and the value has no \u escapes. Returns 1 and a malloc'd
 * NUL-terminated *out if found, else 0. */
static int json_top_string(const char *data, size_t len, const char *key, char **out)
{
    js_t j = { (const unsigned char *)data, (const unsigned char *)data + len };
    buf_t k = { 0 }, v = { 0 };
    int found = 0, plain;
    size_t klen = strlen(key);
    buf_grow(&v, 0);
    js_ws(&j);
    if (j.p >= j.e || *j.p++ != '{') goto bad;
    js_ws(&j);
    if (j.p < j.e && *j.p == '}') { j.p++; goto end; }
    for (;;) {
        js_ws(&j);
        k.len = 0;
        if (js_string(&j, &k, &plain)) goto bad;
        int match = plain && k.len == klen && memcmp(k.p, key, klen) == 0;
        js_ws(&j);
        if (j.p >= j.e || *j.p++ != ':') goto bad;
        js_ws(&j);
        if (match && j.p < j.e && *j.p == '"') {
            v.len = 0;
            v.p[0] = 0;
            if (js_string(&j, &v, &plain)) goto bad;
            found = plain;
        } else {
            if (match) found = 0;
            if (js_skip(&j, 1)) goto bad;
        }
        js_ws(&j);
        if (j.p >= j.e) goto bad;
        unsigned char c = *j.p++;
        if (c == '}') break;
        if (c != ',') goto bad;
    }
end:
    js_ws(&j);
    if (j.p != j.e || !found) goto bad;
    free(k.p);
    *out = v.p;
    return 1;
bad:
    free(k.p);
    free(v.p);
    return 0;
}

/* ---- HTTP over a Unix socket ---- */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until fd is ready or the deadline passes: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short ev, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) return 0;
        struct pollfd pf = { fd, ev, 0 };
        int r = poll(&pf, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r > 0) return 1;
        if (r < 0 && errno != EINTR) return -1;
    }
}

static int hdr_is(const char *name, size_t n, const char *want)
{
    return n == strlen(want) && strncasecmp(name, want, n) == 0;
}

/* Parses one decimal number of at most maxd digits: the value, or -1. */
static long parse_num(const char *s, size_t n, size_t maxd)
{
    long v = 0;
    if (n == 0 || n > maxd) return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Walks a chunked body. If out is not NULL, the decoded data is appended to it.
 * Returns 1 complete, 0 incomplete, -1 malformed. */
static int dechunk(const char *b, size_t bl, buf_t *out, buf_t *why)
{
    size_t i = 0, total = 0;
    for (;;) {
        size_t ls = i, sz = 0;
        while (i < bl && b[i] != '\n') i++;
        if (i >= bl) return 0;
        if (ls == i || !js_hex((unsigned char)b[ls])) { buf_str(why, "bad chunk size line"); return -1; }
        for (size_t k = ls; k < i && js_hex((unsigned char)b[k]); k++) {
            int c = (unsigned char)b[k];
            sz = sz * 16 + (size_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
            if (sz > MAX_BODY) break;
        }
        i++;
        if (sz == 0) {               /* last chunk: skip trailers up to the empty line */
            for (;;) {
                size_t ts = i;
                while (i < bl && b[i] != '\n') i++;
                if (i >= bl) return 0;
                i++;
                if (i - ts == 1 || (i - ts == 2 && b[ts] == '\r')) return 1;
            }
        }
        if (sz > MAX_BODY - total) { buf_str(why, "response body over 16 MiB"); return -1; }
        total += sz;
        if (bl - i < sz + 1) return 0;
        if (out) buf_add(out, b + i, sz);
        i += sz;
        if (b[i] == '\r') i++;
        if (i >= bl) return 0;
        if (b[i++] != '\n') { buf_str(why, "bad chunk terminator"); return -1; }
    }
}

/* Parses a response in raw. Returns 1 complete (r filled in), 0 need more data,
 * -1 malformed (why set). If eof is set, a body without framing ends at the end of raw. */
static int http_parse(const buf_t *raw, int eof, resp_t *r, buf_t *why)
{
    size_t pos = 0;
    for (;;) {
        const char *p = raw->p + pos;
        size_t n = raw->len - pos, hend = 0, i;
        for (i = 1; i < n && i <= MAX_HEADERS; i++)
            if (p[i] == '\n' && (p[i - 1] == '\n' || (i >= 2 && p[i - 1] == '\r' && p[i - 2] == '\n'))) {
                hend = i + 1;
                break;
            }
        if (!hend) {
            if (n > MAX_HEADERS) { buf_str(why, "response headers over 64 KiB"); return -1; }
            if (n >= 5 && memcmp(p, "HTTP/", 5) != 0) { buf_str(why, "not an HTTP response"); return -1; }
            return 0;
        }
        if (hend < 13 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ' ||
            (p[12] != ' ' && p[12] != '\r' && p[12] != '\n')) {
            buf_str(why, "bad HTTP status line");
            return -1;
        }
        long status = parse_num(p + 9, 3, 3), clen = -1;
        if (status < 100) { buf_str(why, "bad HTTP status code"); return -1; }
        int chunked = 0;
        r->status = (int)status;
        r->exit_code = -1;
        r->warnings.len = 0;
        r->body.len = 0;
        buf_grow(&r->body, 0);
        size_t ls = (size_t)((const char *)memchr(p, '\n', hend) - p) + 1;
        while (ls < hend) {
            size_t le = ls, ee;
            while (p[le] != '\n') le++;
            ee = le;
            if (ee > ls && p[ee - 1] == '\r') ee--;
            if (ee == ls) break;
            const char *colon = memchr(p + ls, ':', ee - ls), *v, *ve = p + ee;
            if (!colon) { buf_str(why, "bad HTTP header line"); return -1; }
            size_t nl = (size_t)(colon - (p + ls));
            for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++) {}
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
            size_t vl = (size_t)(ve - v);
            if (hdr_is(p + ls, nl, "content-length")) {
                clen = parse_num(v, vl, 12);
                if (clen < 0) { buf_str(why, "bad Content-Length"); return -1; }
                if (clen > MAX_BODY) { buf_str(why, "response body over 16 MiB"); return -1; }
            } else if (hdr_is(p + ls, nl, "transfer-encoding")) {
                chunked = vl >= 7 && strncasecmp(ve - 7, "chunked", 7) == 0;
            } else if (hdr_is(p + ls, nl, "vmnet-exit-code")) {
                long x = parse_num(v, vl, 3);
                r->exit_code = x > 255 ? -1 : (int)x;
            } else if (hdr_is(p + ls, nl, "vmnet-warning")) {
                buf_add(&r->warnings, v, vl);
                buf_add(&r->warnings, "\n", 1);
            }
            ls = le + 1;
        }
        if (status < 200) { pos += hend; continue; }   /* interim 1xx response */
        const char *b = p + hend;
        size_t bl = n - hend;
        if (status == 204 || status == 304) return 1;
        if (chunked) {
            /* Cheap check first; decode only once the whole body is here. */
            if (!eof && (bl == 0 || b[bl - 1] != '\n')) return 0;
            int c = dechunk(b, bl, NULL, why);
            return c == 1 ? dechunk(b, bl, &r->body, why) : c;
        }
        if (clen >= 0) {
            if (bl < (size_t)clen) return 0;
            buf_add(&r->body, b, (size_t)clen);
            return 1;
        }
        if (!eof) return 0;
        if (bl > MAX_BODY) { buf_str(why, "response body over 16 MiB"); return -1; }
        buf_add(&r->body, b, bl);
        return 1;
    }
}

/* One attempt: connect, send req, read and parse the response into r. */
static int attempt(const char *path, const buf_t *req, int64_t io_ms, resp_t *r, buf_t *why)
{
    int64_t deadline = now_ms() + io_ms;
    struct sockaddr_un sa;
    buf_t raw = { 0 };
    int res = A_UNREACH, cerr = 0;

    why->len = 0;
    buf_grow(why, 0);
    why->p[0] = 0;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) { buf_fmt(why, "socket: %s", strerror(errno)); return A_UNREACH; }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        cerr = errno;
        if (cerr == EINPROGRESS || cerr == EINTR) {
            socklen_t sl = sizeof cerr;
            if (wait_fd(fd, POLLOUT, deadline) <= 0) cerr = ETIMEDOUT;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &cerr, &sl) < 0) cerr = errno;
        }
        if (cerr) {
            buf_fmt(why, "connect: %s", strerror(cerr));
            close(fd);
            return A_RETRY;
        }
    }

    size_t off = 0;
    while (off < req->len) {
        ssize_t w = send(fd, req->p + off, req->len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int k = wait_fd(fd, POLLOUT, deadline);
            if (k > 0) continue;
            if (k == 0) buf_fmt(why, "no complete exchange within %lld s", (long long)(io_ms / 1000));
            else buf_fmt(why, "poll: %s", strerror(errno));
            goto out;
        }
        if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) break;   /* the daemon may have answered early */
        buf_fmt(why, "send: %s", strerror(errno));
        goto out;
    }

    for (;;) {
        buf_grow(&raw, 65536);
        ssize_t n = recv(fd, raw.p + raw.len, 65536, 0);
        if (n > 0) {
            raw.len += (size_t)n;
            raw.p[raw.len] = 0;
            int pr = http_parse(&raw, 0, r, why);
            if (pr == 1) { res = A_OK; goto out; }
            if (pr < 0) { res = A_BAD; goto out; }
            if (raw.len > MAX_RAW) { buf_str(why, "response over 17 MiB"); res = A_BAD; goto out; }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int k = wait_fd(fd, POLLIN, deadline);
            if (k > 0) continue;
            if (k == 0) buf_fmt(why, "no complete response within %lld s", (long long)(io_ms / 1000));
            else buf_fmt(why, "poll: %s", strerror(errno));
            goto out;
        }
        if (raw.len == 0) {            /* closed before answering: e.g. the daemon is restarting */
            if (n == 0) buf_str(why, "connection closed without a response");
            else buf_fmt(why, "recv: %s", strerror(errno));
            res = A_RETRY;
            goto out;
        }
        if (n < 0) { buf_fmt(why, "recv: %s (response incomplete)", strerror(errno)); goto out; }
        int pr = http_parse(&raw, 1, r, why);
        if (pr == 1) res = A_OK;
        else if (pr < 0) res = A_BAD;
        else buf_str(why, "connection closed before the response was complete");
        goto out;
    }
out:
    close(fd);
    free(raw.p);
    return res;
}

static long env_seconds(const char *name, long def, long min)
{
    const char *s = getenv(name);
    char *end;
    if (!s || !*s) return def;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min) return def;
    return v > 86400 ? 86400 : v;
}

int main(void)
{
    buf_t in = { 0 }, body = { 0 }, req = { 0 }, why = { 0 }, msg = { 0 };
    resp_t r = { 0 };
    int too_big = 0;
    char *s;

    signal(SIGPIPE, SIG_IGN);
    for (int fd = 0; fd <= 2; fd++)   /* keep sockets off fds 0-2 if the runtime closed them */
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0) return 1;

    buf_grow(&in, 65536);
    for (;;) {
        size_t room = MAX_STDIN + 1 - in.len;
        buf_grow(&in, 65536);
        ssize_t n = read(0, in.p + in.len, room < 65536 ? room : 65536);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pf = { 0, POLLIN, 0 };
            poll(&pf, 1, -1);
            continue;
        }
        if (n <= 0) break;             /* EOF, or unreadable stdin: treated as EOF */
        in.len += (size_t)n;
        in.p[in.len] = 0;
        if (in.len > MAX_STDIN) { too_big = 1; break; }
    }

    const char *cmd = getenv("CNI_COMMAND");
    if (cmd && strcmp(cmd, "VERSION") == 0) {
        static const char v[] = "{\"cniVersion\":\"" SHIM_CNI_VERSION "\",\"supportedVersions\":"
                                "[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n";
        return write_all(1, v, sizeof v - 1) ? 1 : 0;
    }
    if (!too_big && json_top_string(in.p, in.len, "cniVersion", &s) && *s) cni_version = s;
    if (!cmd || !*cmd) cni_fail(4, "CNI_COMMAND is not set", NULL, 0);
    if (too_big) cni_fail(5, "network configuration over 1 MiB", "stdin is limited to 1048576 bytes",
                           strlen("stdin is limited to 1048576 bytes"));

    const char *path = getenv("VMNETD_SOCKET");
    if (!path || !*path)
        path = json_top_string(in.p, in.len, "socket", &s) && *s ? s : DEFAULT_SOCKET;
    if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        buf_fmt(&msg, "the socket path is %zu bytes; a Unix socket path is limited to %zu: %s",
                strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path) - 1, path);
        cni_fail(5, "vmnetd socket path too long", msg.p, msg.len);
    }

    buf_str(&body, "{\"command\":");
    buf_json_opt(&body, cmd);
    buf_str(&body, ",\"containerId\":");
    buf_json_opt(&body, getenv("CNI_CONTAINERID"));
    buf_str(&body, ",\"netns\":");
    buf_json_opt(&body, getenv("CNI_NETNS"));
    buf_str(&body, ",\"ifname\":");
    buf_json_opt(&body, getenv("CNI_IFNAME"));
    buf_str(&body, ",\"args\":");
    buf_json_opt(&body, getenv("CNI_ARGS"));
    buf_str(&body, ",\"path\":");
    buf_json_opt(&body, getenv("CNI_PATH"));
    buf_str(&body, ",\"config\":");
    buf_json(&body, in.p, in.len);
    buf_str(&body, "}");
    buf_fmt(&req, "POST /v1/cni HTTP/1.1\r\nHost: vmnetd\r\nContent-Type: application/json\r\n"
                  "Content-Length: %zu\r\nConnection: close\r\n\r\n", body.len);
    buf_add(&req, body.p, body.len);

    long wait_s = env_seconds("VMNETD_WAIT_SECONDS", 30, 0);
    long io_s = env_seconds("VMNETD_IO_TIMEOUT_SECONDS", 120, 1);
    int64_t start = now_ms(), deadline = start + (int64_t)wait_s * 1000;
    int res;
    for (;;) {
        res = attempt(path, &req, (int64_t)io_s * 1000, &r, &why);
        if (res == A_OK && r.status == 503) {
            why.len = 0;
            buf_str(&why, "HTTP 503 (not ready): ");
            buf_add(&why, r.body.p, r.body.len > 512 ? 512 : r.body.len);
            res = A_RETRY;
        }
        if (res != A_RETRY) break;
        int64_t left = deadline - now_ms();
        if (left <= 0) break;
        struct timespec ts = { 0, (long)(left < RETRY_MS ? left : RETRY_MS) * 1000000L };
        nanosleep(&ts, NULL);
    }

    if (res == A_BAD) {
        buf_fmt(&msg, "socket %s: %s", path, why.p);
        cni_fail(5, "malformed HTTP response from vmnetd", msg.p, msg.len);
    }
    if (res != A_OK) {
        long secs = (long)((now_ms() - start + 500) / 1000);
        if (strcmp(cmd, "DEL") == 0) {
            buf_fmt(&msg, "vmnet: vmnetd not reachable at %s after %lds; DEL treated as done, "
                          "the daemon reclaims leftovers by GC (last error: %s)\n", path, secs, why.p);
            write_all(2, msg.p, msg.len);
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
    if (r.exit_code < 0)
        buf_str(&msg, "vmnet: vmnetd response has no valid Vmnet-Exit-Code header; exiting 1\n");
    if (msg.len) write_all(2, msg.p, msg.len);
    if (write_all(1, r.body.p, r.body.len)) return 1;
    return r.exit_code < 0 ? 1 : r.exit_code;
}
