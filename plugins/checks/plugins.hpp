// Factories of the built-in check types, one per file in plugins/.
#pragma once

#include "redline/check.hpp"

#include <memory>

namespace redline::plugins {

std::unique_ptr<Check> make_overlap();
std::unique_ptr<Check> make_setback();
std::unique_ptr<Check> make_access_list();
std::unique_ptr<Check> make_capacity();
std::unique_ptr<Check> make_require_within();
std::unique_ptr<Check> make_coverage();
std::unique_ptr<Check> make_eia_category();

} // namespace redline::plugins
