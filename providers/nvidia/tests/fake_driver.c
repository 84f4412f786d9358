/* A stand-in for libnvidia-ml.so.1 and libcuda.so.1 with the signatures of nvml.h and cuda.h,
 * so that the seam's real ctypes calls run on machines without a GPU. The behaviour is chosen
 * per call with the environment variable FAKE_NV_MODE:
 *   "two"       a Tesla T4 (7.5) and an H100 (9.0), driver 570.124.06, CUDA 12.8
 *   "lost"      the same, but device 1's handle call returns NVML_ERROR_GPU_IS_LOST (15)
 *   "mismatch"  nvmlInit_v2 returns NVML_ERROR_LIB_RM_VERSION_MISMATCH (18)
 *   "hang"      nvmlInit_v2 sleeps for 30 s (a wedged driver)
 * libcuda (built from the same file with -DFAKE_CUDA) answers as a Jetson Orin: CUDA 11.4, CC 8.7.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *mode(void) { const char *m = getenv("FAKE_NV_MODE"); return m ? m : "two"; }

#ifndef FAKE_CUDA
typedef void *nvmlDevice_t;
static int devices[2] = {0, 1};

int nvmlInit_v2(void) {
    if (!strcmp(mode(), "mismatch")) return 18;
    if (!strcmp(mode(), "hang")) sleep(30);
    return 0;
}
int nvmlShutdown(void) { return 0; }
int nvmlSystemGetDriverVersion(char *buf, unsigned len) { strncpy(buf, "570.124.06", len); return 0; }
int nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = 12080; return 0; }
int nvmlDeviceGetCount_v2(unsigned *n) { *n = 2; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned i, nvmlDevice_t *h) {
    if (i > 1) return 2;
    if (i == 1 && !strcmp(mode(), "lost")) return 15;
    *h = &devices[i];
    return 0;
}
static int index_of(nvmlDevice_t h) { return *(int *)h; }
int nvmlDeviceGetName(nvmlDevice_t h, char *buf, unsigned len) {
    strncpy(buf, index_of(h) ? "NVIDIA H100 80GB HBM3" : "Tesla T4", len);
    return 0;
}
int nvmlDeviceGetCudaComputeCapability(nvmlDevice_t h, int *major, int *minor) {
    *major = index_of(h) ? 9 : 7;
    *minor = index_of(h) ? 0 : 5;
    return 0;
}
int nvmlDeviceGetMigMode(nvmlDevice_t h, unsigned *cur, unsigned *pending) {
    if (!index_of(h)) return 3; /* NVML_ERROR_NOT_SUPPORTED on a T4 */
    *cur = 0; *pending = 0;
    return 0;
}
int nvmlDeviceGetUUID(nvmlDevice_t h, char *buf, unsigned len) {
    strncpy(buf, index_of(h) ? "GPU-22222222-bbbb-cccc-dddd-eeeeeeeeeeee" : "GPU-11111111-aaaa-cccc-dddd-eeeeeeeeeeee", len);
    return 0;
}
#else
int cuDriverGetVersion(int *v) { *v = 11040; return 0; }
int cuInit(unsigned flags) { (void)flags; return 0; }
int cuDeviceGetCount(int *n) { *n = 1; return 0; }
int cuDeviceGet(int *dev, int ordinal) { *dev = ordinal; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char *buf, int len, int dev) { (void)dev; strncpy(buf, "Orin", len); return 0; }
int cuDeviceGetAttribute(int *v, int attr, int dev) {
    (void)dev;
    if (attr == 75) { *v = 8; return 0; }
    if (attr == 76) { *v = 7; return 0; }
    return 1;
}
#endif
