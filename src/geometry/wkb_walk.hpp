// Internal: a walk over the WKB that needs no OGR: 2D, little-endian, the
// seven simple types. Shared by the GeoPackage row writer (gpkg_rows.cpp:
// such WKB goes into the blob as it is) and the GeoPackage reader
// (io/gpkg_input.cpp: such a blob's WKB is what OGR's ISO export gives).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace redline {

/// A walk over 2D little-endian WKB of the seven simple types: the
/// envelope, whether there is any coordinate. Anything else (big-endian,
/// Z/M, curves, NaN, a wrong part type, bytes left over) stops it: the
/// caller then asks OGR.
class WkbWalk {
public:
    WkbWalk(const unsigned char* p, std::size_t n) : m_p(p), m_end(p + n) {}
    bool geometry(std::uint32_t expected, int depth, std::uint32_t& type)
    {
        if (depth > 32 || !take_header(type) || (expected && type != expected))
            return false;
        std::uint32_t n = 1;
        switch (type) {
        case 1:
            return points(1);
        case 2:
            return count(n) && points(n);
        case 3:
            if (!count(n))
                return false;
            for (std::uint32_t r = 0; r < n; ++r)
                if (std::uint32_t k = 0; !count(k) || !points(k))
                    return false;
            return true;
        case 4: case 5: case 6: case 7:
            if (!count(n))
                return false;
            for (std::uint32_t i = 0; i < n; ++i)
                if (std::uint32_t sub = 0; !geometry(type == 7 ? 0 : type - 3, depth + 1, sub))
                    return false;
            return true;
        default:
            return false;
        }
    }
    bool done() const { return m_p == m_end; }
    bool any = false;
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;

private:
    bool take_header(std::uint32_t& type)
    {
        if (m_end - m_p < 5 || m_p[0] != 1)
            return false;
        std::memcpy(&type, m_p + 1, 4);
        m_p += 5;
        return true;
    }
    bool count(std::uint32_t& n)
    {
        if (m_end - m_p < 4)
            return false;
        std::memcpy(&n, m_p, 4);
        m_p += 4;
        return true;
    }
    bool points(std::uint32_t n)
    {
        if (static_cast<std::size_t>(m_end - m_p) / 16 < n)
            return false;
        for (std::uint32_t i = 0; i < n; ++i, m_p += 16) {
            double xy[2];
            std::memcpy(xy, m_p, 16);
            if (std::isnan(xy[0]) || std::isnan(xy[1]))
                return false; // an empty point: OGR's rules
            add(xy[0], xy[1]);
        }
        return true;
    }
    void add(double x, double y)
    {
        if (!any) {
            min_x = max_x = x;
            min_y = max_y = y;
            any = true;
            return;
        }
        min_x = x < min_x ? x : min_x;
        max_x = x > max_x ? x : max_x;
        min_y = y < min_y ? y : min_y;
        max_y = y > max_y ? y : max_y;
    }
    const unsigned char* m_p;
    const unsigned char* m_end;
};

} // namespace redline
