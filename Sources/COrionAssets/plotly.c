// Embeds plotly.js into the binary with C23 #embed, so that `orion plot -t html` and the dashboard need no file
// and no network at run time. The file is fetched (pinned version) by scripts/services/plotly.sh and is not in
// the repository; without it this compiles to an empty asset and the commands that need it say how to get it.
#include "COrionAssets.h"

#pragma clang diagnostic ignored "-Wc23-extensions"

#if defined(__has_embed)
#if __has_embed("assets/plotly.min.js")
#define ORION_HAS_PLOTLY 1
static const unsigned char plotly_js[] = {
#embed "assets/plotly.min.js"
    , 0};
#endif
#endif

const unsigned char *orion_plotly_js(void) {
#ifdef ORION_HAS_PLOTLY
    return plotly_js;
#else
    return NULL;
#endif
}

size_t orion_plotly_js_length(void) {
#ifdef ORION_HAS_PLOTLY
    return sizeof(plotly_js) - 1;
#else
    return 0;
#endif
}
