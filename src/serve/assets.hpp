// Internal: the map page and its library, compiled into the binary
// (CMakeLists.txt: SERVE_ASSETS), served under /static/ and at /.
#pragma once

#include <string_view>
#include <vector>

namespace redline::serve {

struct Asset {
    std::string_view path; ///< e.g. /static/page.js
    std::string_view content_type;
    std::string_view body;
};

const std::vector<Asset>& assets();

} // namespace redline::serve
