// The one list of built-in check types. To add a type: write
// plugins/<name>.cpp with a make_<name>() factory, declare it in
// plugins.hpp, add it to CMakeLists.txt and here.
#include "plugins.hpp"

namespace redline {

void register_builtin_checks(CheckRegistry& registry)
{
    registry.add("overlap", plugins::make_overlap);
    registry.add("setback", plugins::make_setback);
    registry.add("access_list", plugins::make_access_list);
    registry.add("capacity", plugins::make_capacity);
    registry.add("require_within", plugins::make_require_within);
    registry.add("coverage", plugins::make_coverage);
    registry.add("eia_category", plugins::make_eia_category);
}

} // namespace redline
