"""Competitions, awards and the recognition of initiatives (cuộc thi, giải thưởng, công nhận sáng
kiến cấp tỉnh), judged by the registry's councils; and the yearly results scorecard of public S&T
organisations (bảng kết quả hằng năm, for results-based allocation)."""
