#ifndef CORIONASSETS_H
#define CORIONASSETS_H

#include <stddef.h>

/// plotly.js (minified), embedded at build time from Sources/COrionAssets/plotly.min.js when
/// scripts/services/plotly.sh has fetched it; NULL when the build had no such file.
const unsigned char *orion_plotly_js(void);

/// The length in bytes of orion_plotly_js(); 0 when the build had no plotly.js.
size_t orion_plotly_js_length(void);

#endif
