// CCurlLoader: the few libcurl entry points CurlTransport uses, loaded at run time with dlopen.
//
// No curl headers are needed or installed: the declarations below are our own, and every constant is
// copied from libcurl's public headers (include/curl/curl.h and include/curl/multi.h of curl 7.88.1,
// tag curl-7_88_1; these values are part of libcurl's stable ABI and unchanged since they were added).
// The library loaded is the system's libcurl.so.4, the one FoundationNetworking already links.
// Needs libcurl 7.68.0 or later (curl_multi_poll arrived in 7.66.0, curl_multi_wakeup in 7.68.0).
#ifndef VIDEOPROVIDERKIT_CCURLLOADER_H
#define VIDEOPROVIDERKIT_CCURLLOADER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// An easy handle (`CURL *`), a multi handle (`CURLM *`) and a header list (`struct curl_slist *`).
typedef struct vpk_curl_easy vpk_curl_easy;
typedef struct vpk_curl_multi vpk_curl_multi;
typedef struct vpk_curl_slist vpk_curl_slist;

/// `curl_write_callback` / `curl_read_callback`: (buffer, size, count, userdata) -> bytes handled.
typedef size_t (*vpk_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);

// MARK: Loading

/// Loads libcurl once per process: `libcurl.so.4` (`/usr/lib/libcurl.4.dylib` on Apple platforms), or
/// the file the environment variable VIDEOPROVIDERKIT_LIBCURL names. Returns 1 when it is usable;
/// otherwise 0, with the reason copied into `reason` (NUL-terminated, at most `reason_size` bytes).
/// Thread-safe; later calls return the first outcome.
int vpk_curl_load(char *reason, size_t reason_size);

/// `curl_version_info(...)->version` and `->version_num` and whether `->features` has
/// CURL_VERSION_HTTP2. Only after a successful `vpk_curl_load`.
const char *vpk_curl_version(void);
unsigned int vpk_curl_version_number(void);
int vpk_curl_has_http2(void);

// MARK: Easy handles (after a successful vpk_curl_load)

vpk_curl_easy *vpk_curl_easy_init(void);
void vpk_curl_easy_cleanup(vpk_curl_easy *easy);
/// `curl_easy_reset`: every option back to its default, the handle's buffers kept for the next transfer.
void vpk_curl_easy_reset(vpk_curl_easy *easy);
int vpk_curl_easy_setopt_long(vpk_curl_easy *easy, int option, long value);
int vpk_curl_easy_setopt_pointer(vpk_curl_easy *easy, int option, const void *value);
int vpk_curl_easy_setopt_offset(vpk_curl_easy *easy, int option, int64_t value);
int vpk_curl_easy_setopt_callback(vpk_curl_easy *easy, int option, vpk_curl_data_callback callback);
int vpk_curl_easy_getinfo_long(vpk_curl_easy *easy, int info, long *value);
int vpk_curl_easy_pause(vpk_curl_easy *easy, int bitmask);
const char *vpk_curl_easy_strerror(int code);
vpk_curl_slist *vpk_curl_slist_append(vpk_curl_slist *list, const char *line);
void vpk_curl_slist_free_all(vpk_curl_slist *list);

// MARK: Multi handles

vpk_curl_multi *vpk_curl_multi_init(void);
int vpk_curl_multi_cleanup(vpk_curl_multi *multi);
int vpk_curl_multi_setopt_long(vpk_curl_multi *multi, int option, long value);
int vpk_curl_multi_add_handle(vpk_curl_multi *multi, vpk_curl_easy *easy);
int vpk_curl_multi_remove_handle(vpk_curl_multi *multi, vpk_curl_easy *easy);
int vpk_curl_multi_perform(vpk_curl_multi *multi, int *running);
int vpk_curl_multi_poll(vpk_curl_multi *multi, int timeout_ms);
int vpk_curl_multi_wakeup(vpk_curl_multi *multi);
/// The next finished transfer from `curl_multi_info_read`: 1 with `*easy` and `*result` set, 0 when
/// none is left.
int vpk_curl_multi_next_done(vpk_curl_multi *multi, vpk_curl_easy **easy, int *result);

// MARK: Constants (curl 7.88.1 include/curl/curl.h, include/curl/multi.h)

// CURLoption = type base + number; bases: LONG 0, OBJECTPOINT (strings, lists, pointers) 10000,
// FUNCTIONPOINT 20000, OFF_T 30000.
#define VPK_CURLOPT_WRITEDATA 10001
#define VPK_CURLOPT_URL 10002
#define VPK_CURLOPT_PROXY 10004
#define VPK_CURLOPT_READDATA 10009
#define VPK_CURLOPT_ERRORBUFFER 10010
#define VPK_CURLOPT_WRITEFUNCTION 20011
#define VPK_CURLOPT_READFUNCTION 20012
#define VPK_CURLOPT_HTTPHEADER 10023
#define VPK_CURLOPT_HEADERDATA 10029
#define VPK_CURLOPT_CUSTOMREQUEST 10036
#define VPK_CURLOPT_NOPROGRESS 43
#define VPK_CURLOPT_NOBODY 44
#define VPK_CURLOPT_POST 47
#define VPK_CURLOPT_FOLLOWLOCATION 52
#define VPK_CURLOPT_FRESH_CONNECT 74
#define VPK_CURLOPT_FORBID_REUSE 75
#define VPK_CURLOPT_HEADERFUNCTION 20079
#define VPK_CURLOPT_HTTPGET 80
#define VPK_CURLOPT_HTTP_VERSION 84
#define VPK_CURLOPT_BUFFERSIZE 98
#define VPK_CURLOPT_NOSIGNAL 99
#define VPK_CURLOPT_ACCEPT_ENCODING 10102
#define VPK_CURLOPT_PRIVATE 10103
#define VPK_CURLOPT_MAXFILESIZE_LARGE 30117
#define VPK_CURLOPT_POSTFIELDSIZE_LARGE 30120
#define VPK_CURLOPT_TIMEOUT_MS 155
#define VPK_CURLOPT_CONNECTTIMEOUT_MS 156
#define VPK_CURLOPT_HTTP_CONTENT_DECODING 158
#define VPK_CURLOPT_NOPROXY 10177
#define VPK_CURLOPT_PROTOCOLS 181
#define VPK_CURLOPT_TCP_KEEPALIVE 213
#define VPK_CURLOPT_PIPEWAIT 237
#define VPK_CURLOPT_SUPPRESS_CONNECT_HEADERS 265
#define VPK_CURLOPT_UPLOAD_BUFFERSIZE 280
#define VPK_CURLOPT_PROTOCOLS_STR 10318 // 7.85.0 and later

// CURLINFO = type base + number; LONG 0x200000.
#define VPK_CURLINFO_RESPONSE_CODE 0x200002
#define VPK_CURLINFO_REQUEST_SIZE 0x20000C
#define VPK_CURLINFO_OS_ERRNO 0x200019
#define VPK_CURLINFO_HTTP_VERSION 0x20002E

// CURLMoption (LONG type, base 0).
#define VPK_CURLMOPT_PIPELINING 3
#define VPK_CURLMOPT_MAXCONNECTS 6
#define VPK_CURLMOPT_MAX_HOST_CONNECTIONS 7

#define VPK_CURLPIPE_MULTIPLEX 2
#define VPK_CURLPROTO_HTTP 1
#define VPK_CURLPROTO_HTTPS 2
#define VPK_CURL_HTTP_VERSION_1_1 2
#define VPK_CURL_HTTP_VERSION_2TLS 4
#define VPK_CURL_HTTP_VERSION_2_0 3
#define VPK_CURL_ERROR_SIZE 256

// Write and read callback return values; curl_easy_pause bitmask.
#define VPK_CURL_WRITEFUNC_PAUSE 0x10000001
#define VPK_CURL_READFUNC_ABORT 0x10000000
#define VPK_CURLPAUSE_CONT 0

// CURLcode values the transport tells apart.
#define VPK_CURLE_OK 0
#define VPK_CURLE_UNSUPPORTED_PROTOCOL 1
#define VPK_CURLE_URL_MALFORMAT 3
#define VPK_CURLE_COULDNT_RESOLVE_PROXY 5
#define VPK_CURLE_COULDNT_RESOLVE_HOST 6
#define VPK_CURLE_COULDNT_CONNECT 7
#define VPK_CURLE_WEIRD_SERVER_REPLY 8
#define VPK_CURLE_HTTP2 16
#define VPK_CURLE_PARTIAL_FILE 18
#define VPK_CURLE_WRITE_ERROR 23
#define VPK_CURLE_READ_ERROR 26
#define VPK_CURLE_OUT_OF_MEMORY 27
#define VPK_CURLE_OPERATION_TIMEDOUT 28
#define VPK_CURLE_SSL_CONNECT_ERROR 35
#define VPK_CURLE_ABORTED_BY_CALLBACK 42
#define VPK_CURLE_UNKNOWN_OPTION 48
#define VPK_CURLE_GOT_NOTHING 52
#define VPK_CURLE_SEND_ERROR 55
#define VPK_CURLE_RECV_ERROR 56
#define VPK_CURLE_SSL_CERTPROBLEM 58
#define VPK_CURLE_SSL_CIPHER 59
#define VPK_CURLE_PEER_FAILED_VERIFICATION 60
#define VPK_CURLE_BAD_CONTENT_ENCODING 61
#define VPK_CURLE_FILESIZE_EXCEEDED 63
#define VPK_CURLE_SSL_CACERT_BADFILE 77
#define VPK_CURLE_HTTP2_STREAM 92
#define VPK_CURLE_PROXY 97

#ifdef __cplusplus
}
#endif

#endif
