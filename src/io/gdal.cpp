#include "io/gdal.hpp"

#include "io/prefetch.hpp"

#include "redline/error.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

namespace redline::gdal {

namespace {

void CPL_STDCALL quiet_handler(CPLErr, CPLErrorNum, const char*) {}
} // namespace

void initialise()
{
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        CPLSetErrorHandler(quiet_handler);
    });
}

ErrorCapture::ErrorCapture()
{
    CPLPushErrorHandlerEx(&ErrorCapture::handler, this);
}

ErrorCapture::~ErrorCapture()
{
    CPLPopErrorHandler();
}

void CPL_STDCALL ErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg)
{
    auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self)
        return;
    std::string text = msg ? msg : "";
    if (cls >= CE_Failure)
        self->m_failures.push_back(std::move(text));
    else if (cls == CE_Warning)
        self->m_warnings.push_back(std::move(text));
}

std::string ErrorCapture::failures() const
{
    std::string out;
    for (const auto& f : m_failures) {
        if (!out.empty())
            out += "; ";
        out += f;
    }
    return out;
}

OGRSpatialReference srs_from_user(const std::string& text, const std::string& what)
{
    ErrorCapture capture;
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE)
        throw Error(what + ": cannot understand CRS '" + text + "'" +
                    (capture.has_failure() ? " (" + capture.failures() + ")" : ""));
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string srs_label(const OGRSpatialReference& srs)
{
    const char* name = srs.IsProjected() ? "PROJCS" : srs.IsGeographic() ? "GEOGCS" : nullptr;
    const char* auth = srs.GetAuthorityName(name);
    const char* code = srs.GetAuthorityCode(name);
    if (auth && code)
        return std::string(auth) + ":" + code;
    const char* n = srs.GetName();
    return n ? n : "(unnamed CRS)";
}

TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to)
{
    ErrorCapture capture;
    OGRSpatialReference a(from), b(to);
    a.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    b.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    TransformPtr ct(OGRCreateCoordinateTransformation(&a, &b));
    if (!ct)
        throw Error("cannot transform from " + srs_label(from) + " to " + srs_label(to) +
                    (capture.has_failure() ? ": " + capture.failures() : ""));
    return ct;
}

OGRCoordinateTransformation* TransformsTo::from(const OGRSpatialReference& from)
{
    auto it = m_cache.find(&from);
    if (it == m_cache.end())
        it = m_cache.emplace(&from, from.IsSame(&m_to) ? nullptr : make_transform(from, m_to)).first;
    return it->second.get();
}

DatasetPtr open_vector(const std::string& source, const std::string& what,
                       const std::vector<std::string>& open_options)
{
    initialise();
    io::prefetch_file(source); // a file not in the page cache is then read at the disk's pace, not a page at a time
    ErrorCapture capture;
    std::vector<const char*> opts;
    for (const auto& o : open_options)
        opts.push_back(o.c_str());
    opts.push_back(nullptr);
    GDALDataset* ds = GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                        nullptr, opts.data(), nullptr);
    if (!ds)
        throw LayerError(what + ": cannot open '" + source + "'" +
                         (capture.has_failure() ? ": " + capture.failures() : ""));
    return DatasetPtr(ds);
}

} // namespace redline::gdal
