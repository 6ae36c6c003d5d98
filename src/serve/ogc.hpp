// Internal: the documents of OGC API - Processes 1.0 Core (ogc.cpp).
#pragma once

#include <string>

namespace redline::serve {

std::string landing_json(const std::string& title);
std::string conformance_json();
std::string processes_json();
/// The description of the process `check`: its inputs and output.
std::string process_json();
/// OpenAPI 3.0 of every path the server answers.
std::string openapi_json(const std::string& title);
/// The /v1/check body inside an execution request {inputs, response};
/// false with `error` when the request is not one.
bool execution_inputs(const std::string& body, std::string& check_body, bool& raw, std::string& error);

} // namespace redline::serve
