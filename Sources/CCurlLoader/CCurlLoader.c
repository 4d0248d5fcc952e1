// See include/CCurlLoader.h. Every libcurl function is reached through a pointer found with dlsym; the
// prototypes are written from libcurl's public headers (curl 7.88.1), with `int` for the CURLcode,
// CURLMcode, CURLoption and CURLINFO enums (C enums of int range, passed as int).
#include "CCurlLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// curl_version_info_data, up to the fields read here (the struct only grows at its end).
struct vpk_curl_version_info {
    int age;
    const char *version;
    unsigned int version_num;
    const char *host;
    int features;
};

// CURLMsg: { CURLMSG msg; CURL *easy_handle; union { void *whatever; CURLcode result; } data; }.
struct vpk_curl_message {
    int msg;
    vpk_curl_easy *easy_handle;
    union {
        void *whatever;
        int result;
    } data;
};

#define VPK_CURL_GLOBAL_DEFAULT 3L       // CURL_GLOBAL_ALL = CURL_GLOBAL_SSL | CURL_GLOBAL_WIN32
#define VPK_CURLVERSION_FOURTH 3         // the oldest age with every field read above
#define VPK_CURL_VERSION_HTTP2 (1 << 16) // curl_version_info_data.features bit
#define VPK_CURLMSG_DONE 1
#define VPK_MINIMUM_VERSION 0x074400     // 7.68.0: curl_multi_wakeup

struct vpk_curl_api {
    int (*global_init)(long flags);
    struct vpk_curl_version_info *(*version_info)(int age);
    vpk_curl_easy *(*easy_init)(void);
    void (*easy_cleanup)(vpk_curl_easy *);
    void (*easy_reset)(vpk_curl_easy *);
    int (*easy_setopt)(vpk_curl_easy *, int, ...);
    int (*easy_getinfo)(vpk_curl_easy *, int, ...);
    int (*easy_pause)(vpk_curl_easy *, int);
    const char *(*easy_strerror)(int);
    vpk_curl_slist *(*slist_append)(vpk_curl_slist *, const char *);
    void (*slist_free_all)(vpk_curl_slist *);
    vpk_curl_multi *(*multi_init)(void);
    int (*multi_cleanup)(vpk_curl_multi *);
    int (*multi_setopt)(vpk_curl_multi *, int, ...);
    int (*multi_add_handle)(vpk_curl_multi *, vpk_curl_easy *);
    int (*multi_remove_handle)(vpk_curl_multi *, vpk_curl_easy *);
    int (*multi_perform)(vpk_curl_multi *, int *);
    int (*multi_poll)(vpk_curl_multi *, void *extra_fds, unsigned int extra_nfds, int timeout_ms, int *numfds);
    int (*multi_wakeup)(vpk_curl_multi *);
    struct vpk_curl_message *(*multi_info_read)(vpk_curl_multi *, int *);
};

static struct vpk_curl_api api;
static struct vpk_curl_version_info *version_info;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char load_failure[512];

static const char *const default_paths[] = {
#if defined(__APPLE__)
    "/usr/lib/libcurl.4.dylib",
#else
    "libcurl.so.4",
#endif
    NULL,
};

// Resolves every function into `out`. Returns 1 on success, else 0 with the reason in `reason`.
static int resolve(void *library, struct vpk_curl_api *out, char *reason, size_t reason_size) {
#define VPK_RESOLVE(field, name)                                                                     \
    do {                                                                                             \
        void *symbol = dlsym(library, name);                                                         \
        if (symbol == NULL) {                                                                        \
            snprintf(reason, reason_size, "libcurl has no %s", name);                                \
            return 0;                                                                                \
        }                                                                                            \
        memcpy(&out->field, &symbol, sizeof(symbol));                                                \
    } while (0)
    VPK_RESOLVE(global_init, "curl_global_init");
    VPK_RESOLVE(version_info, "curl_version_info");
    VPK_RESOLVE(easy_init, "curl_easy_init");
    VPK_RESOLVE(easy_cleanup, "curl_easy_cleanup");
    VPK_RESOLVE(easy_reset, "curl_easy_reset");
    VPK_RESOLVE(easy_setopt, "curl_easy_setopt");
    VPK_RESOLVE(easy_getinfo, "curl_easy_getinfo");
    VPK_RESOLVE(easy_pause, "curl_easy_pause");
    VPK_RESOLVE(easy_strerror, "curl_easy_strerror");
    VPK_RESOLVE(slist_append, "curl_slist_append");
    VPK_RESOLVE(slist_free_all, "curl_slist_free_all");
    VPK_RESOLVE(multi_init, "curl_multi_init");
    VPK_RESOLVE(multi_cleanup, "curl_multi_cleanup");
    VPK_RESOLVE(multi_setopt, "curl_multi_setopt");
    VPK_RESOLVE(multi_add_handle, "curl_multi_add_handle");
    VPK_RESOLVE(multi_remove_handle, "curl_multi_remove_handle");
    VPK_RESOLVE(multi_perform, "curl_multi_perform");
    VPK_RESOLVE(multi_poll, "curl_multi_poll");
    VPK_RESOLVE(multi_wakeup, "curl_multi_wakeup");
    VPK_RESOLVE(multi_info_read, "curl_multi_info_read");
#undef VPK_RESOLVE
    return 1;
}

// Opens the first library that loads and resolves. Returns its handle, or NULL with a reason.
static void *open_library(const char *const *paths, struct vpk_curl_api *out, char *reason, size_t reason_size) {
    snprintf(reason, reason_size, "no libcurl path to try");
    for (const char *const *path = paths; *path != NULL; path++) {
        void *library = dlopen(*path, RTLD_NOW | RTLD_LOCAL);
        if (library == NULL) {
            const char *error = dlerror();
            snprintf(reason, reason_size, "cannot load %s: %s", *path, error ? error : "unknown error");
            continue;
        }
        if (resolve(library, out, reason, reason_size)) return library;
        dlclose(library);
    }
    return NULL;
}

static void load(void) {
    struct vpk_curl_api candidate;
    // VIDEOPROVIDERKIT_LIBCURL names another library file (a libcurl built elsewhere, or a path that does
    // not exist, to see the fallback to URLSessionTransport).
    const char *override = getenv("VIDEOPROVIDERKIT_LIBCURL");
    const char *override_paths[] = {override, NULL};
    const char *const *paths = (override != NULL && override[0] != '\0') ? override_paths : default_paths;
    void *library = open_library(paths, &candidate, load_failure, sizeof(load_failure));
    if (library == NULL) return;
    struct vpk_curl_version_info *info = candidate.version_info(VPK_CURLVERSION_FOURTH);
    if (info == NULL || info->version_num < VPK_MINIMUM_VERSION) {
        snprintf(load_failure, sizeof(load_failure), "libcurl %s is older than 7.68.0",
                 info && info->version ? info->version : "(unknown version)");
        return;
    }
    // Thread-safe in libcurl 7.84.0 and later; older versions rely on this running once, here, before
    // any transfer of ours (FoundationNetworking calls it too, which libcurl counts).
    if (candidate.global_init(VPK_CURL_GLOBAL_DEFAULT) != VPK_CURLE_OK) {
        snprintf(load_failure, sizeof(load_failure), "curl_global_init failed");
        return;
    }
    api = candidate;
    version_info = info;
    loaded = 1;
}

int vpk_curl_load(char *reason, size_t reason_size) {
    pthread_once(&load_once, load);
    if (!loaded && reason != NULL && reason_size > 0) snprintf(reason, reason_size, "%s", load_failure);
    return loaded;
}

const char *vpk_curl_version(void) { return version_info ? version_info->version : ""; }
unsigned int vpk_curl_version_number(void) { return version_info ? version_info->version_num : 0; }
int vpk_curl_has_http2(void) { return version_info && (version_info->features & VPK_CURL_VERSION_HTTP2) != 0; }

vpk_curl_easy *vpk_curl_easy_init(void) { return api.easy_init(); }
void vpk_curl_easy_cleanup(vpk_curl_easy *easy) { api.easy_cleanup(easy); }
void vpk_curl_easy_reset(vpk_curl_easy *easy) { api.easy_reset(easy); }
int vpk_curl_easy_setopt_long(vpk_curl_easy *easy, int option, long value) {
    return api.easy_setopt(easy, option, value);
}
int vpk_curl_easy_setopt_pointer(vpk_curl_easy *easy, int option, const void *value) {
    return api.easy_setopt(easy, option, value);
}
int vpk_curl_easy_setopt_offset(vpk_curl_easy *easy, int option, int64_t value) {
    // curl_off_t is a 64-bit integer on every platform libcurl supports with large files.
    return api.easy_setopt(easy, option, value);
}
int vpk_curl_easy_setopt_callback(vpk_curl_easy *easy, int option, vpk_curl_data_callback callback) {
    return api.easy_setopt(easy, option, callback);
}
int vpk_curl_easy_getinfo_long(vpk_curl_easy *easy, int info, long *value) {
    return api.easy_getinfo(easy, info, value);
}
int vpk_curl_easy_pause(vpk_curl_easy *easy, int bitmask) { return api.easy_pause(easy, bitmask); }
const char *vpk_curl_easy_strerror(int code) { return api.easy_strerror(code); }
vpk_curl_slist *vpk_curl_slist_append(vpk_curl_slist *list, const char *line) {
    return api.slist_append(list, line);
}
void vpk_curl_slist_free_all(vpk_curl_slist *list) { api.slist_free_all(list); }

vpk_curl_multi *vpk_curl_multi_init(void) { return api.multi_init(); }
int vpk_curl_multi_cleanup(vpk_curl_multi *multi) { return api.multi_cleanup(multi); }
int vpk_curl_multi_setopt_long(vpk_curl_multi *multi, int option, long value) {
    return api.multi_setopt(multi, option, value);
}
int vpk_curl_multi_add_handle(vpk_curl_multi *multi, vpk_curl_easy *easy) {
    return api.multi_add_handle(multi, easy);
}
int vpk_curl_multi_remove_handle(vpk_curl_multi *multi, vpk_curl_easy *easy) {
    return api.multi_remove_handle(multi, easy);
}
int vpk_curl_multi_perform(vpk_curl_multi *multi, int *running) { return api.multi_perform(multi, running); }
int vpk_curl_multi_poll(vpk_curl_multi *multi, int timeout_ms) {
    int ready = 0;
    return api.multi_poll(multi, NULL, 0, timeout_ms, &ready);
}
int vpk_curl_multi_wakeup(vpk_curl_multi *multi) { return api.multi_wakeup(multi); }
int vpk_curl_multi_next_done(vpk_curl_multi *multi, vpk_curl_easy **easy, int *result) {
    int queued = 0;
    struct vpk_curl_message *message;
    while ((message = api.multi_info_read(multi, &queued)) != NULL) {
        if (message->msg != VPK_CURLMSG_DONE) continue;
        *easy = message->easy_handle;
        *result = message->data.result;
        return 1;
    }
    return 0;
}
