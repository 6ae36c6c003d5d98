#include "output/json_text.hpp"

#include "redline/error.hpp"
#include "io/gdal.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace redline {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i)
{
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    const std::size_t left = s.size() - i;
    auto cont = [&](std::size_t k) { return (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return left >= 2 && cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !cont(i + 1) || !cont(i + 2))
            return 0;
        if ((c == 0xE0 && b(i + 1) < 0xA0) || (c == 0xED && b(i + 1) > 0x9F))
            return 0; // overlong, or a UTF-16 surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3))
            return 0;
        if ((c == 0xF0 && b(i + 1) < 0x90) || (c == 0xF4 && b(i + 1) > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

/// True when one of the 8 bytes of `w` needs a look: not ASCII, a control
/// character, '"' or '\\' (the has-less-than / has-zero-byte bit tricks).
bool needs_look(std::uint64_t w)
{
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const std::uint64_t quote = w ^ (ones * '"');
    const std::uint64_t backslash = w ^ (ones * '\\');
    return ((w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) |
             ((backslash - ones) & ~backslash)) &
            highs) != 0;
}

void append_quoted(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t size = s.size();
    out += '"';
    std::size_t i = 0;
    while (i < size) {
        // Copy the longest run that needs no escaping -- ASCII and valid
        // UTF-8 sequences alike (most text here is Chinese) -- in one go.
        std::size_t j = i;
        while (j < size) {
            if (j + 8 <= size) {
                std::uint64_t w;
                std::memcpy(&w, p + j, 8);
                if (!needs_look(w)) {
                    j += 8;
                    continue;
                }
            }
            const unsigned char c = p[j];
            if (c < 0x80) {
                if (c < 0x20 || c == '"' || c == '\\')
                    break;
                ++j;
                continue;
            }
            // The common case first: a 3-byte character (all of CJK) that
            // cannot be an overlong or a surrogate (E0 and ED can).
            if (c >= 0xE1 && c <= 0xEF && c != 0xED && j + 2 < size && (p[j + 1] & 0xC0) == 0x80 &&
                (p[j + 2] & 0xC0) == 0x80) {
                j += 3;
                continue;
            }
            const std::size_t n = utf8_length(s, j);
            if (n == 0)
                break;
            j += n;
        }
        out.append(s.data() + i, j - i);
        i = j;
        if (i == s.size())
            break;
        const unsigned char c = static_cast<unsigned char>(s[i]);
        ++i;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c >= 0x80) {
                out += "\xEF\xBF\xBD"; // U+FFFD for a byte that is not UTF-8
            } else {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
    }
    out += '"';
}

/// Shortest round-trip form (or `digits` significant digits), always with a
/// fraction or exponent so that it reads back as a double.
void append_double(std::string& out, double v, int digits = 0)
{
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[64];
    auto res = digits > 0 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits)
                          : std::to_chars(buf, buf + sizeof buf, v);
    std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
    out += text;
    if (text.find_first_of(".e") == std::string_view::npos)
        out += ".0";
}

} // namespace

std::string json_quote(std::string_view s)
{
    std::string out;
    append_quoted(out, s);
    return out;
}

void JsonText::clear()
{
    m_out.clear();
    m_first.clear();
    m_after_key = false;
}

void JsonText::separate()
{
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ',';
        m_first.back() = false;
    }
}

JsonText& JsonText::begin_object()
{
    separate();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

JsonText& JsonText::end_object()
{
    m_out += '}';
    m_first.pop_back();
    return *this;
}

JsonText& JsonText::begin_array()
{
    separate();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonText& JsonText::end_array()
{
    m_out += ']';
    m_first.pop_back();
    return *this;
}

JsonText& JsonText::key(std::string_view k)
{
    separate();
    append_quoted(m_out, k);
    m_out += ':';
    m_after_key = true;
    return *this;
}

JsonText& JsonText::value(std::string_view s)
{
    separate();
    append_quoted(m_out, s);
    return *this;
}

JsonText& JsonText::value(double v)
{
    separate();
    append_double(m_out, v);
    return *this;
}

JsonText& JsonText::value(long long v)
{
    separate();
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    m_out.append(buf, res.ptr);
    return *this;
}

JsonText& JsonText::value(unsigned long long v)
{
    separate();
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    m_out.append(buf, res.ptr);
    return *this;
}

JsonText& JsonText::value(bool v)
{
    separate();
    m_out += v ? "true" : "false";
    return *this;
}

JsonText& JsonText::null()
{
    separate();
    m_out += "null";
    return *this;
}

JsonText& JsonText::raw(std::string_view json)
{
    separate();
    m_out += json;
    return *this;
}

JsonText& JsonText::strings(const std::vector<std::string>& items)
{
    begin_array();
    for (const auto& s : items)
        value(s);
    return end_array();
}

void JsonText::position(double x, double y, double z, bool has_z)
{
    m_out += '[';
    append_double(m_out, x, 15);
    m_out += ',';
    append_double(m_out, y, 15);
    if (has_z) {
        m_out += ',';
        append_double(m_out, z, 15);
    }
    m_out += ']';
}

void JsonText::ring(const OGRSimpleCurve& c)
{
    m_out += '[';
    const bool z = c.Is3D();
    for (int i = 0; i < c.getNumPoints(); ++i) {
        if (i)
            m_out += ',';
        position(c.getX(i), c.getY(i), z ? c.getZ(i) : 0.0, z);
    }
    m_out += ']';
}

void JsonText::coordinates(const OGRGeometry& g)
{
    switch (wkbFlatten(g.getGeometryType())) {
    case wkbPoint: {
        const auto& p = *g.toPoint();
        if (p.IsEmpty())
            m_out += "[]";
        else
            position(p.getX(), p.getY(), p.getZ(), p.Is3D());
        return;
    }
    case wkbLineString:
        ring(*g.toLineString());
        return;
    case wkbPolygon: {
        m_out += '[';
        bool first = true;
        for (const OGRLinearRing* r : *g.toPolygon()) {
            if (!first)
                m_out += ',';
            first = false;
            ring(*r);
        }
        m_out += ']';
        return;
    }
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon: {
        m_out += '[';
        const auto& gc = *g.toGeometryCollection();
        for (int i = 0; i < gc.getNumGeometries(); ++i) {
            if (i)
                m_out += ',';
            coordinates(*gc.getGeometryRef(i));
        }
        m_out += ']';
        return;
    }
    default:
        throw LibraryError(std::string("no GeoJSON coordinates for ") + g.getGeometryName());
    }
}

JsonText& JsonText::geometry(const OGRGeometry& g)
{
    if (g.hasCurveGeometry(TRUE)) {
        gdal::GeometryPtr linear(g.getLinearGeometry());
        if (!linear)
            return null();
        return geometry(*linear);
    }
    separate();
    const OGRwkbGeometryType t = wkbFlatten(g.getGeometryType());
    const char* name = t == wkbPoint              ? "Point"
                       : t == wkbLineString       ? "LineString"
                       : t == wkbPolygon          ? "Polygon"
                       : t == wkbMultiPoint       ? "MultiPoint"
                       : t == wkbMultiLineString  ? "MultiLineString"
                       : t == wkbMultiPolygon     ? "MultiPolygon"
                       : t == wkbGeometryCollection ? "GeometryCollection"
                                                    : nullptr;
    if (!name) {
        m_out += "null";
        return *this;
    }
    m_out += "{\"type\":\"";
    m_out += name;
    if (t == wkbGeometryCollection) {
        m_out += "\",\"geometries\":[";
        const auto& gc = *g.toGeometryCollection();
        m_first.push_back(true);
        for (int i = 0; i < gc.getNumGeometries(); ++i)
            geometry(*gc.getGeometryRef(i));
        m_first.pop_back();
        m_out += "]}";
        return *this;
    }
    m_out += "\",\"coordinates\":";
    coordinates(g);
    m_out += '}';
    return *this;
}

} // namespace redline
