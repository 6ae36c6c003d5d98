// RAII over the GEOS reentrant C API. A Context is never used by two
// threads at once (one per Engine::Worker, which a run may move from one
// thread to another between sites, and one per loading thread); every
// GEOSGeometry* that redline owns sits in a GeomPtr whose deleter carries
// the context that must destroy it. Error codes become exceptions here and
// nowhere else.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>
#include <vector>

namespace redline::geos {

/// A GEOS context handle with an error handler that records the last
/// message (never throws from the C callback). Not copyable, not movable:
/// GEOS keeps a pointer to it.
class Context {
public:
    Context();
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    GEOSContextHandle_t handle() const { return m_handle; }
    /// The last message GEOS reported on this context (empty if none).
    const std::string& last_error() const { return m_last_error; }
    void clear_error() { m_last_error.clear(); }
    /// This context's WKB reader and (little-endian) writer, made on first
    /// use: a batch converts millions of geometries.
    GEOSWKBReader* wkb_reader();
    GEOSWKBWriter* wkb_writer();

private:
    static void on_error(const char* message, void* self);
    GEOSContextHandle_t m_handle;
    std::string m_last_error;
    GEOSWKBReader* m_wkb_reader = nullptr;
    GEOSWKBWriter* m_wkb_writer = nullptr;
};

struct GeomDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(GEOSGeometry* g) const noexcept
    {
        if (g)
            GEOSGeom_destroy_r(ctx, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t ctx = nullptr;
    void operator()(const GEOSPreparedGeometry* p) const noexcept
    {
        if (p)
            GEOSPreparedGeom_destroy_r(ctx, p);
    }
};
/// A prepared geometry must be destroyed before the geometry it was made
/// from: keep it in the same owner, declared after the GeomPtr.
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// Takes ownership of `raw`; throws LibraryError (with GEOS's message and
/// `what`) when GEOS returned null.
GeomPtr own(Context& ctx, GEOSGeometry* raw, const char* what);

/// Converts a GEOS predicate result (0, 1, or 2 = error) to bool; throws on 2.
bool predicate(Context& ctx, char result, const char* what);

GeomPtr from_wkb(Context& ctx, const unsigned char* wkb, std::size_t size);
inline GeomPtr from_wkb(Context& ctx, const std::vector<unsigned char>& wkb)
{
    return from_wkb(ctx, wkb.data(), wkb.size());
}
GeomPtr from_wkt(Context& ctx, const std::string& wkt);
std::vector<unsigned char> to_wkb(Context& ctx, const GEOSGeometry* g);
/// WKT with `decimals` digits after the point (trimmed), for dumps and messages.
std::string to_wkt(Context& ctx, const GEOSGeometry* g, int decimals = 3);

GeomPtr clone(Context& ctx, const GEOSGeometry* g);
PreparedPtr prepare(Context& ctx, const GEOSGeometry* g);

double area(Context& ctx, const GEOSGeometry* g);
double length(Context& ctx, const GEOSGeometry* g);
/// Topological dimension of the highest-dimension part: 0 points, 1 lines, 2 areas.
int dimension(Context& ctx, const GEOSGeometry* g);
bool is_empty(Context& ctx, const GEOSGeometry* g);

GeomPtr intersection(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
GeomPtr difference(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b);
/// Union of all the geometries (none = empty collection).
GeomPtr union_all(Context& ctx, const std::vector<const GEOSGeometry*>& parts);

/// The parts of `g` of dimension `dim` only (e.g. the polygons a make-valid
/// left next to collapsed lines), as a single or multi geometry.
GeomPtr keep_dimension(Context& ctx, const GEOSGeometry* g, int dim);

struct Bounds {
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
};
Bounds bounds(Context& ctx, const GEOSGeometry* g);

} // namespace redline::geos
