"""Chữ ký số: PAdES signatures made with the office's USB token, verified offline."""
