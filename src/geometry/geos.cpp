#include "redline/geos.hpp"

#include "redline/error.hpp"

#include <cstdarg>
#include <cstdio>

namespace redline::geos {

Context::Context() : m_handle(GEOS_init_r())
{
    if (!m_handle)
        throw LibraryError("GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(m_handle, &Context::on_error, this);
}

Context::~Context()
{
    if (m_wkb_reader)
        GEOSWKBReader_destroy_r(m_handle, m_wkb_reader);
    if (m_wkb_writer)
        GEOSWKBWriter_destroy_r(m_handle, m_wkb_writer);
    GEOS_finish_r(m_handle);
}

GEOSWKBReader* Context::wkb_reader()
{
    if (!m_wkb_reader && !(m_wkb_reader = GEOSWKBReader_create_r(m_handle)))
        throw LibraryError("cannot create a GEOS WKB reader");
    return m_wkb_reader;
}

GEOSWKBWriter* Context::wkb_writer()
{
    if (!m_wkb_writer) {
        if (!(m_wkb_writer = GEOSWKBWriter_create_r(m_handle)))
            throw LibraryError("cannot create a GEOS WKB writer");
        GEOSWKBWriter_setByteOrder_r(m_handle, m_wkb_writer, GEOS_WKB_NDR);
    }
    return m_wkb_writer;
}

void Context::on_error(const char* message, void* self)
{
    // Never throw from a C callback: record, the caller throws.
    static_cast<Context*>(self)->m_last_error = message ? message : "";
}

namespace {
[[noreturn]] void fail(Context& ctx, const char* what)
{
    std::string msg = std::string("GEOS ") + what + " failed";
    if (!ctx.last_error().empty())
        msg += ": " + ctx.last_error();
    ctx.clear_error();
    throw LibraryError(msg);
}

struct WktReaderDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSWKTReader* r) const noexcept { GEOSWKTReader_destroy_r(ctx, r); }
};
struct WktWriterDeleter {
    GEOSContextHandle_t ctx;
    void operator()(GEOSWKTWriter* w) const noexcept { GEOSWKTWriter_destroy_r(ctx, w); }
};
} // namespace

GeomPtr own(Context& ctx, GEOSGeometry* raw, const char* what)
{
    if (!raw)
        fail(ctx, what);
    return GeomPtr(raw, GeomDeleter{ctx.handle()});
}

bool predicate(Context& ctx, char result, const char* what)
{
    if (result == 2)
        fail(ctx, what);
    return result == 1;
}

GeomPtr from_wkb(Context& ctx, const unsigned char* wkb, std::size_t size)
{
    return own(ctx, GEOSWKBReader_read_r(ctx.handle(), ctx.wkb_reader(), wkb, size), "WKB read");
}

GeomPtr from_wkt(Context& ctx, const std::string& wkt)
{
    std::unique_ptr<GEOSWKTReader, WktReaderDeleter> reader(GEOSWKTReader_create_r(ctx.handle()),
                                                            {ctx.handle()});
    return own(ctx, GEOSWKTReader_read_r(ctx.handle(), reader.get(), wkt.c_str()), "WKT read");
}

std::vector<unsigned char> to_wkb(Context& ctx, const GEOSGeometry* g)
{
    std::size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(ctx.handle(), ctx.wkb_writer(), g, &size);
    if (!buf)
        fail(ctx, "WKB write");
    std::vector<unsigned char> out(buf, buf + size);
    GEOSFree_r(ctx.handle(), buf);
    return out;
}

std::string to_wkt(Context& ctx, const GEOSGeometry* g, int decimals)
{
    std::unique_ptr<GEOSWKTWriter, WktWriterDeleter> writer(GEOSWKTWriter_create_r(ctx.handle()),
                                                            {ctx.handle()});
    GEOSWKTWriter_setTrim_r(ctx.handle(), writer.get(), 1);
    GEOSWKTWriter_setRoundingPrecision_r(ctx.handle(), writer.get(), decimals);
    char* text = GEOSWKTWriter_write_r(ctx.handle(), writer.get(), g);
    if (!text)
        fail(ctx, "WKT write");
    std::string out(text);
    GEOSFree_r(ctx.handle(), text);
    return out;
}

GeomPtr clone(Context& ctx, const GEOSGeometry* g)
{
    return own(ctx, GEOSGeom_clone_r(ctx.handle(), g), "clone");
}

PreparedPtr prepare(Context& ctx, const GEOSGeometry* g)
{
    const GEOSPreparedGeometry* p = GEOSPrepare_r(ctx.handle(), g);
    if (!p)
        fail(ctx, "prepare");
    return PreparedPtr(p, PreparedDeleter{ctx.handle()});
}

double area(Context& ctx, const GEOSGeometry* g)
{
    double a = 0;
    if (!GEOSArea_r(ctx.handle(), g, &a))
        fail(ctx, "area");
    return a;
}

double length(Context& ctx, const GEOSGeometry* g)
{
    double l = 0;
    if (!GEOSLength_r(ctx.handle(), g, &l))
        fail(ctx, "length");
    return l;
}

int dimension(Context& ctx, const GEOSGeometry* g)
{
    return GEOSGeom_getDimensions_r(ctx.handle(), g);
}

bool is_empty(Context& ctx, const GEOSGeometry* g)
{
    return predicate(ctx, GEOSisEmpty_r(ctx.handle(), g), "isEmpty");
}

GeomPtr intersection(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    return own(ctx, GEOSIntersection_r(ctx.handle(), a, b), "intersection");
}

GeomPtr difference(Context& ctx, const GEOSGeometry* a, const GEOSGeometry* b)
{
    return own(ctx, GEOSDifference_r(ctx.handle(), a, b), "difference");
}

GeomPtr union_all(Context& ctx, const std::vector<const GEOSGeometry*>& parts)
{
    if (parts.size() == 1)
        return clone(ctx, parts.front());
    // A collection borrows its members' ownership: give it clones.
    std::vector<GEOSGeometry*> clones;
    clones.reserve(parts.size());
    for (const GEOSGeometry* p : parts)
        clones.push_back(clone(ctx, p).release());
    GEOSGeometry* coll = GEOSGeom_createCollection_r(ctx.handle(), GEOS_GEOMETRYCOLLECTION,
                                                     clones.data(),
                                                     static_cast<unsigned>(clones.size()));
    if (!coll) {
        for (GEOSGeometry* c : clones)
            GEOSGeom_destroy_r(ctx.handle(), c);
        fail(ctx, "collection");
    }
    GeomPtr owned = own(ctx, coll, "collection");
    return own(ctx, GEOSUnaryUnion_r(ctx.handle(), owned.get()), "union");
}

namespace {
void collect_dimension(Context& ctx, const GEOSGeometry* g, int dim,
                       std::vector<GEOSGeometry*>& out)
{
    int n = GEOSGetNumGeometries_r(ctx.handle(), g);
    int type = GEOSGeomTypeId_r(ctx.handle(), g);
    bool is_collection = type == GEOS_MULTIPOINT || type == GEOS_MULTILINESTRING ||
                         type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION;
    if (!is_collection) {
        if (GEOSGeom_getDimensions_r(ctx.handle(), g) == dim && !is_empty(ctx, g))
            out.push_back(clone(ctx, g).release());
        return;
    }
    for (int i = 0; i < n; ++i)
        collect_dimension(ctx, GEOSGetGeometryN_r(ctx.handle(), g, i), dim, out);
}
} // namespace

GeomPtr keep_dimension(Context& ctx, const GEOSGeometry* g, int dim)
{
    std::vector<GEOSGeometry*> parts;
    collect_dimension(ctx, g, dim, parts);
    if (parts.size() == 1)
        return GeomPtr(parts.front(), GeomDeleter{ctx.handle()});
    int type = dim == 0 ? GEOS_MULTIPOINT : dim == 1 ? GEOS_MULTILINESTRING : GEOS_MULTIPOLYGON;
    GEOSGeometry* coll = GEOSGeom_createCollection_r(ctx.handle(), type, parts.data(),
                                                     static_cast<unsigned>(parts.size()));
    if (!coll) {
        for (GEOSGeometry* c : parts)
            GEOSGeom_destroy_r(ctx.handle(), c);
        fail(ctx, "collection");
    }
    return own(ctx, coll, "collection");
}

Bounds bounds(Context& ctx, const GEOSGeometry* g)
{
    Bounds b;
    if (!GEOSGeom_getXMin_r(ctx.handle(), g, &b.minx) ||
        !GEOSGeom_getYMin_r(ctx.handle(), g, &b.miny) ||
        !GEOSGeom_getXMax_r(ctx.handle(), g, &b.maxx) ||
        !GEOSGeom_getYMax_r(ctx.handle(), g, &b.maxy))
        fail(ctx, "envelope");
    return b;
}

} // namespace redline::geos
