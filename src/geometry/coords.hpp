// The Chinese web-map datums: GCJ-02 (AMap/Gaode, Tencent, DataV — the
// "Mars" obfuscation of WGS84) and BD-09 (Baidu, a further offset of
// GCJ-02), and their conversion to WGS84 / CGCS2000 (which PROJ treats as
// identical at this scale). Pure functions; no state, thread-safe.
//
// The forward formulas are the public ones reproduced by every open
// implementation, e.g. github.com/wandergis/coordtransform (index.js:
// wgs84togcj02, gcj02tobd09), github.com/googollee/eviltransform
// (transform.go: WGStoGCJ) and the 2013 derivation by coolypf
// (blog.csdn.net/coolypf/article/details/8569813, BD-09):
//
//   GCJ-02 = WGS84 + offset(WGS84), with the Krasovsky 1940 ellipsoid
//   (a = 6378245 m, e² = 0.00669342162296594323) and the two trigonometric
//   series transformLat/transformLon of (lon − 105°, lat − 35°);
//   no offset outside the box 72.004–137.8347°E, 0.8293–55.8271°N.
//   BD-09 = GCJ-02 rotated and scaled about the origin (z + 2e-5·sin(y·π·3000/180),
//   θ + 3e-6·cos(x·π·3000/180)) then shifted by (+0.0065°, +0.006°).
//
// The inverses have no closed form: they are solved here by fixed-point
// iteration on the forward formula (x ← x − (f(x) − target)) until the
// forward image of the result is within 1e-12° of the input (about 1e-7 m),
// at most 30 iterations; in practice 3–5. The residual (in degrees) of the
// last step is reported so callers and tests can state it.
#pragma once

#include "redline/application.hpp"

#include <optional>
#include <string>
#include <string_view>

class OGRGeometry;

namespace redline::coords {

/// "wgs84" / "cgcs2000" / "gcj02" / "bd09" (case-insensitive, '-' and '_'
/// ignored), or nullopt.
std::optional<Datum> parse_datum(std::string_view text);
/// "wgs84", "gcj02" or "bd09".
std::string datum_name(Datum d);

struct LonLat {
    double lon = 0;
    double lat = 0;
};

/// True outside the box where GCJ-02 applies an offset (the public formula's
/// `out_of_china` test).
bool outside_china(LonLat p);

/// WGS84 → GCJ-02 (forward, closed form).
LonLat wgs84_to_gcj02(LonLat p);
/// GCJ-02 → BD-09 (forward, closed form).
LonLat gcj02_to_bd09(LonLat p);
/// WGS84 → BD-09.
LonLat wgs84_to_bd09(LonLat p);

/// An inverse conversion and the residual of its iteration: the largest
/// |forward(result) − input| component, in degrees.
struct Inverse {
    LonLat value;
    double residual_deg = 0;
    int iterations = 0;
};

/// GCJ-02 → WGS84 (iterative inverse of wgs84_to_gcj02).
Inverse gcj02_to_wgs84(LonLat p);
/// BD-09 → GCJ-02 (iterative inverse of gcj02_to_bd09).
Inverse bd09_to_gcj02(LonLat p);
/// BD-09 → WGS84 (both inverses; the residual is against wgs84_to_bd09).
Inverse bd09_to_wgs84(LonLat p);

/// `p` in datum `d` → WGS84 (identity for Wgs84).
LonLat to_wgs84(Datum d, LonLat p);
/// WGS84 → datum `d` (identity for Wgs84).
LonLat from_wgs84(Datum d, LonLat p);

/// Converts every vertex of `g` (geographic lon/lat in datum `d`) to
/// WGS84 in place; Z and M are left alone. Returns false if a vertex is not
/// finite (left as is).
bool to_wgs84(Datum d, OGRGeometry& g);

} // namespace redline::coords
