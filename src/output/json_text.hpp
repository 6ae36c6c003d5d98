// A small streaming JSON writer for the per-site JSON output: one pass,
// no DOM, numbers with std::to_chars. A million sites are rendered on the
// worker threads, so this is on the hot path (a DOM library spent most of
// a batch's time building and re-parsing objects).
//
// Output is compact and valid: strings are escaped as RFC 8259 requires,
// invalid UTF-8 is replaced by U+FFFD, NaN and infinities become null, and
// a double always reads back as a double (1000 is written 1000.0).
#pragma once

#include <ogr_geometry.h>

#include <string>
#include <string_view>
#include <vector>

namespace redline {

class JsonText {
public:
    JsonText& begin_object();
    JsonText& end_object();
    JsonText& begin_array();
    JsonText& end_array();
    /// An object key; the next value call writes its value.
    JsonText& key(std::string_view k);

    JsonText& value(std::string_view s);
    JsonText& value(const char* s) { return value(std::string_view(s)); }
    JsonText& value(double v);
    JsonText& value(long long v);
    JsonText& value(unsigned long long v);
    JsonText& value(int v) { return value(static_cast<long long>(v)); }
    JsonText& value(std::size_t v) { return value(static_cast<unsigned long long>(v)); }
    JsonText& value(bool v);
    JsonText& null();
    JsonText& strings(const std::vector<std::string>& items);
    /// A GeoJSON geometry object (curves are stroked; Z kept when present);
    /// coordinates with 15 significant digits, like OGR's GeoJSON writer.
    JsonText& geometry(const OGRGeometry& g);
    /// Already valid JSON text, written as a value.
    JsonText& raw(std::string_view json);

    const std::string& str() const { return m_out; }
    std::string take() { return std::move(m_out); }
    void clear();

private:
    void separate();
    void coordinates(const OGRGeometry& g);
    void position(double x, double y, double z, bool has_z);
    void ring(const OGRSimpleCurve& c);
    std::string m_out;
    std::vector<bool> m_first; ///< per open container: nothing written in it yet
    bool m_after_key = false;
};

/// `s` as a JSON string literal (with quotes).
std::string json_quote(std::string_view s);

} // namespace redline
