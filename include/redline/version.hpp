#pragma once
#define REDLINE_VERSION "0.1.0"
