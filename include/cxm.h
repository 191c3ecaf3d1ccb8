/**
 * @file cxm.h
 * @brief libcxm: customer-experience management, measured.
 *
 * Include this header to use the whole library; each module also has its own
 * header under cxm/. Link with `pkg-config --cflags --libs libcxm`.
 */
#ifndef CXM_H
#define CXM_H

#include "cxm/common.h"
#include "cxm/clv.h"
#include "cxm/chain.h"
#include "cxm/table.h"
#include "cxm/output.h"
#include "cxm/journey.h"
#include "cxm/io.h"
#include "cxm/rfm.h"
#include "cxm/model.h"
#include "cxm/subscription.h"
#include "cxm/chunk.h"
#include "cxm/sim.h"

#endif /* CXM_H */
