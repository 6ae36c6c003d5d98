#include "geometry/geometry_text.hpp"

#include "util/encoding.hpp"
#include "redline/error.hpp"
#include "util/text.hpp"

#include <ogr_api.h>

namespace redline {

gdal::GeometryPtr parse_text_geometry(const std::string& raw)
{
    std::string text = trim(raw);
    if (text.empty())
        throw RecordError(Text("缺少几何（wkt 或 lon/lat 为空）", "no geometry (empty wkt or lon/lat)"));
    // GDAL reports parse failures through CPLError: keep them out of stderr.
    gdal::ErrorCapture capture;
    if (text.front() == '{') {
        OGRGeometryH h = OGR_G_CreateGeometryFromJson(text.c_str());
        if (!h)
            throw RecordError(Text("无法解析 GeoJSON 几何", "cannot parse the GeoJSON geometry"));
        return gdal::GeometryPtr(OGRGeometry::FromHandle(h));
    }
    if (text.front() == '-' || text.front() == '+' || text.front() == '.' ||
        (text.front() >= '0' && text.front() <= '9')) {
        auto parts = split(text, ',');
        std::optional<double> x, y;
        if (parts.size() == 2) {
            x = parse_double(parts[0]);
            y = parse_double(parts[1]);
        }
        if (!x || !y)
            throw RecordError(Text("无法解析坐标「" + text + "」（应为 经度,纬度）",
                                 "cannot parse coordinates '" + text + "' (expected lon,lat)"));
        return gdal::GeometryPtr(new OGRPoint(*x, *y));
    }
    OGRGeometry* g = nullptr;
    const char* cursor = text.c_str();
    if (OGRGeometryFactory::createFromWkt(&cursor, nullptr, &g) != OGRERR_NONE || !g) {
        delete g;
        std::string shown = text.size() > 60 ? encoding::utf8_prefix(text, 60) + "…" : text;
        throw RecordError(Text("无法解析几何 WKT「" + shown + "」",
                             "cannot parse the geometry WKT '" + shown + "'"));
    }
    gdal::GeometryPtr out(g);
    if (!trim(cursor).empty())
        throw RecordError(Text("几何 WKT 末尾有多余内容", "trailing text after the geometry WKT"));
    return out;
}

} // namespace redline
