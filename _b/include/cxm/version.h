/**
 * @file cxm/version.h
 * @brief Compile-time version of the libcxm headers.
 *
 * Compare with cxm_version_number() at run time to detect a program built
 * against other headers than the library it loaded.
 */
#ifndef CXM_VERSION_H
#define CXM_VERSION_H

/** Major version: changes only with an incompatible API change. */
#define CXM_VERSION_MAJOR 0
/** Minor version: new features, backward compatible. */
#define CXM_VERSION_MINOR 1
/** Patch version: fixes only. */
#define CXM_VERSION_PATCH 0
/** The version as one comparable number: major*10000 + minor*100 + patch. */
#define CXM_VERSION_NUMBER (CXM_VERSION_MAJOR * 10000L + CXM_VERSION_MINOR * 100L + CXM_VERSION_PATCH)
/** The version as a string, e.g. "0.1.0". */
#define CXM_VERSION_STRING "0.1.0"

#endif /* CXM_VERSION_H */
