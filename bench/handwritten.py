"""Hand-written pure-Python scoring for each built-in region, as a speed baseline.

Each function computes, for one employee's collected values, exactly what the
region's ``rules.yaml`` computes: components, score and predikat. The benchmark
checks that both agree on every row before it times them. Like the engine, they
round computed numbers to 9 decimals, or binary-float noise would put a score of
0.6 x 55.6 + 0.4 x 69.1 = 61 (computed as 60.99999999999999) in the band below.
"""

from __future__ import annotations


def _mean(*values):
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def kasemen(v):
    kompetensi = round(
        _mean(v["pengetahuan_teknis"], v["komunikasi"], v["sikap_pelayanan"], v["integritas"]) * 20,
        9,
    )
    hasil = v["achievement_mean"]
    score = round(0.6 * kompetensi + 0.4 * hasil, 9)
    if score >= 90:
        predikat = "Sangat Baik"
    elif score >= 76:
        predikat = "Baik"
    elif score >= 61:
        predikat = "Butuh Perbaikan"
    elif score >= 51:
        predikat = "Kurang"
    else:
        predikat = "Sangat Kurang"
    return (kompetensi, hasil, score, predikat)


def asemrowo(v):
    hasil = v["achievement_mean"]
    score = hasil
    if score >= 110:
        kategori = "Sangat Baik"
    elif score >= 90:
        kategori = "Baik"
    elif score >= 70:
        kategori = "Cukup"
    elif score >= 50:
        kategori = "Kurang"
    else:
        kategori = "Sangat Kurang"
    predikat = "Baik" if kategori == "Sangat Baik" and (v["inovasi"] or 0) < 1 else kategori
    return (hasil, kategori, score, predikat)


def kutacane(v):
    output = v["achievement_mean"]
    kehadiran = min(round(v["hari_hadir"] * 100 / v["hari_kerja"], 9), 100)
    kualitas = round(_mean(v["kualitas_layanan"], v["komunikasi"], v["tanggung_jawab"]) * 20, 9)
    score = round(0.5 * output + 0.3 * kualitas + 0.2 * kehadiran, 9)
    if score >= 91:
        predikat = "Sangat Baik"
    elif score >= 76:
        predikat = "Baik"
    elif score >= 61:
        predikat = "Cukup"
    elif score >= 51:
        predikat = "Kurang"
    else:
        predikat = "Buruk"
    return (output, kehadiran, kualitas, score, predikat)


_MATRIX = {
    ("di atas ekspektasi", "di bawah ekspektasi"): "Kurang/Misconduct",
    ("di atas ekspektasi", "sesuai ekspektasi"): "Baik",
    ("di atas ekspektasi", "di atas ekspektasi"): "Sangat Baik",
    ("sesuai ekspektasi", "di bawah ekspektasi"): "Kurang/Misconduct",
    ("sesuai ekspektasi", "sesuai ekspektasi"): "Baik",
    ("sesuai ekspektasi", "di atas ekspektasi"): "Baik",
    ("di bawah ekspektasi", "di bawah ekspektasi"): "Sangat Kurang",
    ("di bawah ekspektasi", "sesuai ekspektasi"): "Butuh Perbaikan",
    ("di bawah ekspektasi", "di atas ekspektasi"): "Butuh Perbaikan",
}


def sawahlunto(v):
    hasil = v["achievement_mean"]
    perilaku = round(
        _mean(
            v["berorientasi_pelayanan"],
            v["akuntabel"],
            v["kompeten"],
            v["harmonis"],
            v["loyal"],
            v["adaptif"],
            v["kolaboratif"],
        )
        * 20,
        9,
    )
    rating_hasil = (
        "di atas ekspektasi"
        if hasil >= 110
        else "sesuai ekspektasi"
        if hasil >= 90
        else "di bawah ekspektasi"
    )
    rating_perilaku = (
        "di atas ekspektasi"
        if perilaku >= 90
        else "sesuai ekspektasi"
        if perilaku >= 70
        else "di bawah ekspektasi"
    )
    score = round(0.5 * hasil + 0.5 * perilaku, 9)
    return (
        hasil,
        perilaku,
        rating_hasil,
        rating_perilaku,
        score,
        _MATRIX[(rating_hasil, rating_perilaku)],
    )


def lampung(v):
    levels = (v["keterampilan"], v["pengetahuan"], v["sikap"])
    kompetensi = round(sum(levels) / 3 * 20, 9)
    jpm = round(100 * sum(min(level / 3, 1) for level in levels) / 3, 9)
    kesesuaian = "optimal" if jpm >= 90 else "cukup optimal" if jpm >= 78 else "kurang optimal"
    score = kompetensi
    if score >= 90:
        predikat = "Sangat Baik"
    elif score >= 70:
        predikat = "Baik"
    elif score >= 50:
        predikat = "Butuh Perbaikan"
    elif score >= 30:
        predikat = "Kurang"
    else:
        predikat = "Sangat Kurang"
    return (kompetensi, jpm, kesesuaian, score, predikat)


HANDWRITTEN = {
    "kasemen": kasemen,
    "asemrowo": asemrowo,
    "kutacane": kutacane,
    "sawahlunto": sawahlunto,
    "lampung": lampung,
}
