// Exceptions thrown inside the engine. Only main() maps them to exit codes
// (see src/main.cpp); a bad application record never throws past the
// engine: it becomes an ERROR row (see engine.hpp).
#pragma once

#include "redline/lang.hpp"

#include <stdexcept>
#include <string>

namespace redline {

/// Base of every error redline throws on purpose.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The command line is wrong (exit 2).
class UsageError : public Error {
public:
    using Error::Error;
};

/// The rulebook, a table it names or a layer cannot be loaded (exit 3).
/// The message always names the file, and the line and key when known.
class RulebookError : public Error {
public:
    RulebookError(const std::string& file, int line, const std::string& key,
                  const std::string& message);
    explicit RulebookError(const std::string& message) : Error(message) {}
};

/// A layer cannot be opened, has no CRS, lacks a declared field... (exit 3).
class LayerError : public Error {
public:
    using Error::Error;
};

/// An output cannot be written (exit 4).
class OutputError : public Error {
public:
    using Error::Error;
};

/// One application record is unusable; the engine turns it into an ERROR row
/// with the reason in both languages (what() is the English).
class RecordError : public Error {
public:
    explicit RecordError(Text reason) : Error(reason.en), m_reason(std::move(reason)) {}
    /// A reason that reads the same in both (e.g. a reader's message).
    explicit RecordError(const std::string& reason) : RecordError(Text::same(reason)) {}
    const Text& reason() const { return m_reason; }

private:
    Text m_reason;
};

/// A GEOS or GDAL call failed where it should not have.
class LibraryError : public Error {
public:
    using Error::Error;
};

} // namespace redline
