// RAII over GDAL/OGR handles and the one place CPL errors become exceptions.
#pragma once

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace redline::gdal {

/// Registers GDAL drivers once and installs a quiet default error handler
/// (messages are collected by ErrorCapture, never printed by GDAL).
void initialise();

struct DatasetCloser {
    void operator()(GDALDataset* ds) const noexcept
    {
        if (ds)
            GDALClose(GDALDataset::ToHandle(ds));
    }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

using GeometryPtr = OGRGeometryUniquePtr;

struct TransformDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept
    {
        OGRCoordinateTransformation::DestroyCT(ct);
    }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

/// Collects CPL errors raised on this thread while alive (pushes a handler;
/// pops it on destruction). The handler records and never throws.
class ErrorCapture {
public:
    ErrorCapture();
    ~ErrorCapture();
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;
    bool has_failure() const { return !m_failures.empty(); }
    /// Failures (CE_Failure and worse) joined by "; ".
    std::string failures() const;
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
    std::vector<std::string> m_failures;
    std::vector<std::string> m_warnings;
};

/// A spatial reference from user input ("EPSG:4549", WKT, PROJ string),
/// with traditional GIS axis order (lon/lat, easting/northing).
/// Throws `Error` naming `what` when it cannot be understood.
OGRSpatialReference srs_from_user(const std::string& text, const std::string& what);

/// "EPSG:4549" when the SRS has an authority code, else its name.
std::string srs_label(const OGRSpatialReference& srs);

/// A transformation between two SRS (traditional axis order on both);
/// throws when PROJ cannot build one.
TransformPtr make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

/// Transformations to one SRS, made once per source SRS (keyed by its
/// address: the SRS objects must outlive the cache). Not thread-safe.
class TransformsTo {
public:
    explicit TransformsTo(const OGRSpatialReference& to) : m_to(to) {}
    /// Null when `from` is the target SRS (nothing to do).
    OGRCoordinateTransformation* from(const OGRSpatialReference& from);

private:
    const OGRSpatialReference& m_to;
    std::map<const OGRSpatialReference*, TransformPtr> m_cache;
};

/// Opens a vector dataset read-only; throws LayerError naming `what`.
DatasetPtr open_vector(const std::string& source, const std::string& what,
                       const std::vector<std::string>& open_options = {});

} // namespace redline::gdal
