// Internal: GEOS 3.11.1's exact predicates, replicated operation for
// operation (algorithm/CGAlgorithmsDD.{h,cpp}, math/DD.cpp,
// algorithm/RayCrossingCounter.cpp, LineIntersector's "no intersection"
// tests): the answers must be the ones GEOS gives, not merely close, so
// that what the engine proves on its own is what GEOS would have said.
// Shared by the per-feature point index (feature_index.cpp) and the
// validity proof (valid_proof.cpp), the only files that include it; both
// are compiled with -ffp-contract=off (CMakeLists.txt), so that no
// multiply-add is fused. Internal linkage on purpose: a file compiled
// otherwise gets its own copy, never this one.
#pragma once

#include <algorithm>

namespace redline::exact {
namespace {

// ---- CGAlgorithmsDD::orientationIndex -------------------------------------

struct DD {
    double hi, lo;
};

// DD::selfAdd(yhi, ylo)
inline DD dd_add(DD x, double yhi, double ylo)
{
    double S = x.hi + yhi;
    double T = x.lo + ylo;
    double e = S - x.hi;
    double f = T - x.lo;
    double s = S - e;
    double t = T - f;
    s = (yhi - e) + (x.hi - s);
    t = (ylo - f) + (x.lo - t);
    e = s + T;
    const double H = S + e;
    const double h = e + (S - H);
    e = t + h;
    const double zhi = H + e;
    return {zhi, e + (H - zhi)};
}

// DD::selfMultiply(yhi, ylo)
inline DD dd_mul(DD x, double yhi, double ylo)
{
    constexpr double kSplit = 134217729.0; // 2^27 + 1
    double C = kSplit * x.hi;
    double hx = C - x.hi;
    double c = kSplit * yhi;
    hx = C - hx;
    const double tx = x.hi - hx;
    double hy = c - yhi;
    C = x.hi * yhi;
    hy = c - hy;
    const double ty = yhi - hy;
    c = ((((hx * hy - C) + hx * ty) + tx * hy) + tx * ty) + (x.hi * ylo + x.lo * yhi);
    const double zhi = C + c;
    hx = C - zhi;
    return {zhi, c + hx};
}

inline int sign_of(double x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

// CGAlgorithmsDD::orientationIndexFilter: 2 when undecided.
inline int orientation_filter(double pax, double pay, double pbx, double pby, double pcx, double pcy)
{
    constexpr double kSafeEpsilon = 1e-15;
    const double detleft = (pax - pcx) * (pby - pcy);
    const double detright = (pay - pcy) * (pbx - pcx);
    const double det = detleft - detright;
    double detsum = 0;
    if (detleft > 0.0) {
        if (detright <= 0.0)
            return sign_of(det);
        detsum = detleft + detright;
    } else if (detleft < 0.0) {
        if (detright >= 0.0)
            return sign_of(det);
        detsum = -detleft - detright;
    } else {
        return sign_of(det);
    }
    const double errbound = kSafeEpsilon * detsum;
    if ((det >= errbound) || (-det >= errbound))
        return sign_of(det);
    return 2;
}

// CGAlgorithmsDD::orientationIndex(p1, p2, q): 1 left, -1 right, 0 collinear.
template <class Point>
int orientation_index(const Point& p1, const Point& p2, const Point& q)
{
    const int index = orientation_filter(p1.x, p1.y, p2.x, p2.y, q.x, q.y);
    if (index <= 1)
        return index;
    const DD dx1 = dd_add({p2.x, 0.0}, -p1.x, 0.0);
    const DD dy1 = dd_add({p2.y, 0.0}, -p1.y, 0.0);
    const DD dx2 = dd_add({q.x, 0.0}, -p2.x, 0.0);
    const DD dy2 = dd_add({q.y, 0.0}, -p2.y, 0.0);
    const DD mx1y2 = dd_mul(dx1, dy2.hi, dy2.lo);
    const DD my1x2 = dd_mul(dy1, dx2.hi, dx2.lo);
    const DD d = dd_add(mx1y2, -1 * my1x2.hi, -1 * my1x2.lo);
    if (d.hi < 0.0 || (d.hi == 0.0 && d.lo < 0.0))
        return -1;
    if (d.hi > 0.0 || (d.hi == 0.0 && d.lo > 0.0))
        return 1;
    return 0;
}

// ---- RayCrossingCounter ------------------------------------------------------

template <class Point>
struct Crossings {
    Point point;
    unsigned count = 0;
    bool on_segment = false;

    // RayCrossingCounter::countSegment
    void add(Point p1, Point p2)
    {
        if (p1.x < point.x && p2.x < point.x)
            return;
        if (point.x == p2.x && point.y == p2.y) {
            on_segment = true;
            return;
        }
        if (p1.y == point.y && p2.y == point.y) {
            const double minx = std::min(p1.x, p2.x), maxx = std::max(p1.x, p2.x);
            if (point.x >= minx && point.x <= maxx)
                on_segment = true;
            return;
        }
        if ((p1.y > point.y && p2.y <= point.y) || (p2.y > point.y && p1.y <= point.y)) {
            int sign = orientation_index(p1, p2, point);
            if (sign == 0) {
                on_segment = true;
                return;
            }
            if (p2.y < p1.y)
                sign = -sign;
            if (sign > 0)
                ++count;
        }
    }
};

// ---- LineIntersector::computeIntersect's rejections --------------------------

inline bool boxes_meet(double aminx, double aminy, double amaxx, double amaxy, double bminx, double bminy,
                double bmaxx, double bmaxy)
{
    return !(amaxx < bminx || amaxy < bminy || aminx > bmaxx || aminy > bmaxy);
}

/// Whether closed segments pq and rs may share a point: false only when one
/// segment's ends lie strictly on one side of the other's line (or their
/// boxes are apart), which proves them apart.
template <class Point>
bool segments_may_meet(const Point& p, const Point& q, const Point& r, const Point& s)
{
    if (!boxes_meet(std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x), std::max(p.y, q.y),
                    std::min(r.x, s.x), std::min(r.y, s.y), std::max(r.x, s.x), std::max(r.y, s.y)))
        return false;
    const int o1 = orientation_index(p, q, r), o2 = orientation_index(p, q, s);
    if (o1 == o2 && o1 != 0)
        return false;
    const int o3 = orientation_index(r, s, p), o4 = orientation_index(r, s, q);
    if (o3 == o4 && o3 != 0)
        return false;
    return true;
}

} // namespace
} // namespace redline::exact
