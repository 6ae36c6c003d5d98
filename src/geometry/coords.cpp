// GCJ-02 / BD-09 ↔ WGS84: the public formulas (see coords.hpp for the
// sources) and their iterative inverses.
#include "geometry/coords.hpp"

#include "util/text.hpp"

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>

namespace redline::coords {

namespace {

constexpr double k_pi = 3.14159265358979323846;
constexpr double k_a = 6378245.0;                 // Krasovsky 1940 semi-major axis
constexpr double k_ee = 0.00669342162296594323;   // its first eccentricity squared
constexpr double k_x_pi = k_pi * 3000.0 / 180.0;  // BD-09's rotation constant

double transform_lat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * k_pi) + 40.0 * std::sin(y / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * k_pi) + 320.0 * std::sin(y * k_pi / 30.0)) * 2.0 / 3.0;
    return r;
}

double transform_lon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * k_pi) + 40.0 * std::sin(x / 3.0 * k_pi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * k_pi) + 300.0 * std::sin(x / 30.0 * k_pi)) * 2.0 / 3.0;
    return r;
}

/// Solves forward(x) = target by x ← x − (forward(x) − target), starting at
/// `start`. The forward maps here are the identity plus a small, slowly
/// varying offset, so the iteration contracts fast.
template <class Forward>
Inverse solve(Forward forward, LonLat target, LonLat start)
{
    Inverse out;
    out.value = start;
    for (int i = 0; i < 30; ++i) {
        LonLat f = forward(out.value);
        const double dx = f.lon - target.lon, dy = f.lat - target.lat;
        out.residual_deg = std::max(std::fabs(dx), std::fabs(dy));
        out.iterations = i;
        if (!(out.residual_deg > 1e-12)) // also stops on NaN
            break;
        out.value.lon -= dx;
        out.value.lat -= dy;
    }
    LonLat f = forward(out.value);
    out.residual_deg = std::max(std::fabs(f.lon - target.lon), std::fabs(f.lat - target.lat));
    return out;
}

/// Converts x/y arrays from datum d to WGS84; used through OGRGeometry::transform
/// so that every geometry type (curves, collections) is handled by GDAL.
class ToWgs84 final : public OGRCoordinateTransformation {
public:
    explicit ToWgs84(Datum d) : m_datum(d) {}
    OGRSpatialReference* GetSourceCS() override { return nullptr; }
    OGRSpatialReference* GetTargetCS() override { return nullptr; }
    int Transform(int count, double* x, double* y, double*, double*, int* ok) override
    {
        bool all = true;
        for (int i = 0; i < count; ++i) {
            const bool finite = std::isfinite(x[i]) && std::isfinite(y[i]);
            if (finite) {
                LonLat p = to_wgs84(m_datum, LonLat{x[i], y[i]});
                x[i] = p.lon;
                y[i] = p.lat;
            }
            if (ok)
                ok[i] = finite ? TRUE : FALSE;
            all = all && finite;
        }
        return all ? TRUE : FALSE;
    }
    OGRCoordinateTransformation* Clone() const override { return new ToWgs84(m_datum); }
    OGRCoordinateTransformation* GetInverse() const override { return nullptr; }

private:
    Datum m_datum;
};

} // namespace

std::optional<Datum> parse_datum(std::string_view text)
{
    std::string s;
    for (char c : to_lower_ascii(trim(text)))
        if (c != '-' && c != '_')
            s += c;
    if (s == "wgs84" || s == "cgcs2000" || s == "epsg4326" || s == "epsg4490")
        return Datum::Wgs84;
    if (s == "gcj02" || s == "gcj")
        return Datum::Gcj02;
    if (s == "bd09" || s == "bd")
        return Datum::Bd09;
    return std::nullopt;
}

std::string datum_name(Datum d)
{
    switch (d) {
    case Datum::Wgs84:
        return "wgs84";
    case Datum::Gcj02:
        return "gcj02";
    case Datum::Bd09:
        return "bd09";
    }
    return "?";
}

bool outside_china(LonLat p)
{
    return !(p.lon > 72.004 && p.lon < 137.8347 && p.lat > 0.8293 && p.lat < 55.8271);
}

LonLat wgs84_to_gcj02(LonLat p)
{
    if (outside_china(p))
        return p;
    double dlat = transform_lat(p.lon - 105.0, p.lat - 35.0);
    double dlon = transform_lon(p.lon - 105.0, p.lat - 35.0);
    const double radlat = p.lat / 180.0 * k_pi;
    double magic = std::sin(radlat);
    magic = 1 - k_ee * magic * magic;
    const double sqrt_magic = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((k_a * (1 - k_ee)) / (magic * sqrt_magic) * k_pi);
    dlon = (dlon * 180.0) / (k_a / sqrt_magic * std::cos(radlat) * k_pi);
    return {p.lon + dlon, p.lat + dlat};
}

LonLat gcj02_to_bd09(LonLat p)
{
    const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * k_x_pi);
    const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * k_x_pi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat wgs84_to_bd09(LonLat p)
{
    return gcj02_to_bd09(wgs84_to_gcj02(p));
}

Inverse gcj02_to_wgs84(LonLat p)
{
    // Outside the box the forward map is the identity; the iteration then
    // returns p itself after one step.
    return solve(wgs84_to_gcj02, p, p);
}

Inverse bd09_to_gcj02(LonLat p)
{
    // Start from the public closed-form approximation of the inverse.
    const double x = p.lon - 0.0065, y = p.lat - 0.006;
    const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * k_x_pi);
    const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * k_x_pi);
    return solve(gcj02_to_bd09, p, LonLat{z * std::cos(theta), z * std::sin(theta)});
}

Inverse bd09_to_wgs84(LonLat p)
{
    Inverse gcj = bd09_to_gcj02(p);
    Inverse wgs = gcj02_to_wgs84(gcj.value);
    // Polish against the composed forward map so the stated residual is
    // that of BD-09 → WGS84 itself.
    Inverse out = solve(wgs84_to_bd09, p, wgs.value);
    out.iterations += gcj.iterations + wgs.iterations;
    return out;
}

LonLat to_wgs84(Datum d, LonLat p)
{
    switch (d) {
    case Datum::Wgs84:
        return p;
    case Datum::Gcj02:
        return gcj02_to_wgs84(p).value;
    case Datum::Bd09:
        return bd09_to_wgs84(p).value;
    }
    return p;
}

LonLat from_wgs84(Datum d, LonLat p)
{
    switch (d) {
    case Datum::Wgs84:
        return p;
    case Datum::Gcj02:
        return wgs84_to_gcj02(p);
    case Datum::Bd09:
        return wgs84_to_bd09(p);
    }
    return p;
}

bool to_wgs84(Datum d, OGRGeometry& g)
{
    if (d == Datum::Wgs84)
        return true;
    OGRSpatialReference* srs = g.getSpatialReference();
    if (srs)
        srs->Reference();
    ToWgs84 ct(d);
    const bool ok = g.transform(&ct) == OGRERR_NONE;
    g.assignSpatialReference(srs); // transform() assigned the (null) target CS
    if (srs)
        srs->Release();
    return ok;
}

} // namespace redline::coords
