//! Indonesian text of the command-line help (clap's derive texts are the English ones).

use clap::{Arg, ArgAction, Command};

/// (path, text): `""` is the program, `"import"` a command, `"import.persons"` an argument of
/// it, `"*.seed"` an argument wherever it appears.
const TEXTS: &[(&str, &str)] = &[
    (
        "disburse",
        "Membayar hak bantuan yang disetujui dalam satu siklus: entri buku besar, status dibayarkan, checkpoint baru.",
    ),
    ("disburse.programme", "Kode program."),
    (
        "disburse.cycle",
        "Siklus yang hak bantuannya (berstatus approved) dibayarkan.",
    ),
    (
        "disburse.channel",
        "Saluran pembayaran yang dicatat di setiap entri: bank_transfer, pos, cash, in_kind atau e_wallet.",
    ),
    (
        "ledger",
        "Buku besar yang tahan manipulasi: dana, checkpoint, bukti, tanda terima, audit.",
    ),
    (
        "ledger.fund",
        "Mencatat dana masuk untuk program: budget, csr_contribution atau donation.",
    ),
    ("ledger.fund.programme", "Kode program."),
    (
        "ledger.fund.kind",
        "budget, csr_contribution atau donation.",
    ),
    (
        "ledger.fund.amount",
        "Rupiah (bilangan bulat, paling banyak 10^15).",
    ),
    (
        "ledger.fund.cycle",
        "Siklus tujuan dana (0: program secara keseluruhan).",
    ),
    (
        "ledger.fund.from",
        "Asal dana: kode organisasi (huruf, angka, . _ - /).",
    ),
    (
        "ledger.fund.channel",
        "bank_transfer, pos, cash, in_kind atau e_wallet.",
    ),
    (
        "ledger.checkpoint",
        "Menandatangani dan menerbitkan checkpoint buku besar saat ini.",
    ),
    (
        "ledger.prove",
        "Bukti inklusi satu entri dalam pohon berukuran tertentu.",
    ),
    ("ledger.prove.index", "Indeks entri."),
    (
        "ledger.prove.size",
        "Ukuran pohon (bawaan: ukuran checkpoint terakhir).",
    ),
    (
        "ledger.receipt",
        "Tanda terima pembayaran suatu hak bantuan, dapat diperiksa tanpa jaringan.",
    ),
    ("ledger.receipt.entitlement", "Nomor hak bantuan."),
    (
        "ledger.receipt.out",
        "Tulis tanda terima ke berkas ini (bawaan: stdout).",
    ),
    ("ledger.receipt.force", "Ganti berkas --out bila sudah ada."),
    (
        "ledger.verify-receipt",
        "Memeriksa tanda terima tanpa jaringan dengan kunci verifikasi buku besar.",
    ),
    ("ledger.verify-receipt.file", "Tanda terima (JSON)."),
    (
        "ledger.verify-receipt.vkey",
        "Kunci verifikasi buku besar (`setara ledger vkey`).",
    ),
    (
        "ledger.verify-receipt.kk",
        "KK keluarga: periksa juga bahwa entri terikat pada keluarga ini.",
    ),
    (
        "ledger.consistency",
        "Bukti konsistensi antara dua ukuran pohon (buku besar hanya bertambah).",
    ),
    (
        "ledger.consistency.from",
        "Ukuran lama (ukuran checkpoint yang diterbitkan).",
    ),
    (
        "ledger.consistency.to",
        "Ukuran baru (bawaan: checkpoint terakhir).",
    ),
    (
        "ledger.consistency.saved",
        "Checkpoint yang disimpan auditor sebelumnya (catatan bertanda tangan): periksa bahwa buku besar saat ini masih memuatnya — buku besar yang ditulis ulang dan ditandatangani ulang gagal di sini.",
    ),
    (
        "ledger.consistency.vkey",
        "Kunci verifikasi untuk --saved (bawaan: vkey.txt buku besar).",
    ),
    (
        "ledger.audit",
        "Menghitung ulang pohon dari penyimpanan dan memeriksa setiap checkpoint yang diterbitkan serta keseimbangan dana.",
    ),
    (
        "ledger.return",
        "Uang hak bantuan yang sudah dibayarkan kembali: pembayarannya dibalik dengan entri baru dan hak bantuan kembali disetujui.",
    ),
    (
        "ledger.return-funds",
        "Uang keluar dari program kembali ke pemberi dana (anggaran tak terpakai): entri return.",
    ),
    ("ledger.return-funds.programme", "Kode program."),
    (
        "ledger.return-funds.amount",
        "Rupiah (bilangan bulat, paling banyak 10^15).",
    ),
    (
        "ledger.return-funds.cycle",
        "Siklus (0: program secara keseluruhan).",
    ),
    (
        "ledger.return-funds.to",
        "Kepada siapa: kode organisasi (huruf, angka, . _ - /).",
    ),
    (
        "ledger.return-funds.channel",
        "bank_transfer, pos, cash, in_kind atau e_wallet.",
    ),
    ("ledger.return.entitlement", "Nomor hak bantuan."),
    ("ledger.return.reason", "Alasan uang kembali (wajib)."),
    (
        "ledger.reverse",
        "Membalik entri yang salah dengan entri baru yang meniadakannya (entri tidak pernah diubah).",
    ),
    ("ledger.reverse.index", "Indeks entri yang dibalik."),
    ("ledger.reverse.reason", "Alasan (wajib)."),
    (
        "ledger.vkey",
        "Kunci verifikasi (terbitkan; tanda terima diperiksa dengannya).",
    ),
    (
        "backup",
        "Menulis salinan direktori data yang konsisten dan diperiksa (basis data, buku besar dan kuncinya, snapshot, peringkat) selagi sistem berjalan.",
    ),
    (
        "backup.dir",
        "Direktori cadangan yang ditulis: belum ada atau kosong (induknya harus ada).",
    ),
    (
        "restore",
        "Memulihkan cadangan ke direktori data (direktori data yang ada dipindahkan, tidak pernah dihapus).",
    ),
    (
        "restore.dir",
        "Direktori cadangan yang dipulihkan (ditulis oleh `setara backup`).",
    ),
    (
        "entitlement",
        "Hak bantuan: daftar, tampilkan, pindahkan statusnya.",
    ),
    (
        "entitlement.list",
        "Hak bantuan suatu program, siklus, status atau keluarga.",
    ),
    ("entitlement.list.programme", "Kode program."),
    ("entitlement.list.cycle", "Siklus."),
    (
        "entitlement.list.state",
        "proposed, verified, approved, paid, received, rejected, suspended atau cancelled.",
    ),
    ("entitlement.list.household", "Hanya keluarga ini (KK)."),
    ("entitlement.list.limit", "Paling banyak sekian (0: semua)."),
    (
        "entitlement.show",
        "Satu hak bantuan dengan riwayat dan entri buku besarnya.",
    ),
    ("entitlement.show.entitlement", "Nomor hak bantuan."),
    (
        "entitlement.transition",
        "Memindahkan hak bantuan ke status baru (verified, approved, rejected, suspended, cancelled, received): per nomor, atau semua dalam satu siklus program dengan status tertentu.",
    ),
    (
        "entitlement.transition.entitlements",
        "Nomor hak bantuan (atau pakai --programme, --cycle dan --from untuk satu siklus).",
    ),
    ("entitlement.transition.to", "Status baru."),
    (
        "entitlement.transition.reason",
        "Alasan (wajib untuk rejected, suspended dan cancelled).",
    ),
    (
        "entitlement.transition.programme",
        "Dengan --cycle dan --from: semua hak bantuan siklus program ini dengan status itu.",
    ),
    ("entitlement.transition.cycle", "Siklus."),
    (
        "entitlement.transition.from",
        "Status hak bantuan saat ini (dengan --programme).",
    ),
    (
        "rank",
        "Peringkat kesejahteraan: mengestimasi PMT, menilai setiap keluarga, menetapkan desil.",
    ),
    (
        "rank.folds",
        "Jumlah lipatan validasi silang untuk galat di luar sampel.",
    ),
    (
        "rank.top",
        "Cetak sekian koefisien (efek terbesar dahulu); 0 untuk tidak ada.",
    ),
    (
        "rank.household",
        "Jangan memeringkat: tampilkan skor dan desil keluarga ini di setiap peringkat sejauh ini.",
    ),
    (
        "programme",
        "Program: membuat, mengubah (dengan riwayat), menampilkan, mendaftar.",
    ),
    (
        "programme.create",
        "Membuat program dari berkas TOML (docs/programmes.md) atau dari opsi.",
    ),
    (
        "programme.edit",
        "Mengubah program: versi baru, dicatat dengan siapa, kapan dan mengapa.",
    ),
    (
        "programme.show",
        "Menampilkan program: pemilik, mitra, kanvas, manfaat, anggaran, kuota, aturan, versi.",
    ),
    ("programme.list", "Daftar program."),
    (
        "programme.create.file",
        "Berkas program (TOML). Opsi yang juga diberikan menimpa isinya.",
    ),
    (
        "programme.create.code",
        "Kode program (dengan opsi, bukan dengan --file).",
    ),
    (
        "programme.create.reason",
        "Alasan program dibuat (dicatat pada versi 1).",
    ),
    ("programme.edit.programme", "Kode program."),
    (
        "programme.edit.file",
        "Definisi baru seluruhnya (TOML); kodenya harus sama.",
    ),
    (
        "programme.edit.reason",
        "Alasan (wajib): dicatat pada versi baru.",
    ),
    ("programme.show.programme", "Kode program."),
    (
        "programme.show.history",
        "Setiap versi dengan siapa, kapan, mengapa dan apa yang berubah.",
    ),
    (
        "programme.show.toml",
        "Cetak definisi sebagai TOML (format yang dibaca `create --file`).",
    ),
    ("programme.create.name", "Nama program."),
    (
        "programme.create.owner_code",
        "Organisasi pemilik: kodenya.",
    ),
    (
        "programme.create.owner_name",
        "Organisasi pemilik: namanya.",
    ),
    (
        "programme.create.owner_type",
        "Organisasi pemilik: government, csr, social_enterprise, campus, ngo atau community.",
    ),
    (
        "programme.create.area",
        "Wilayah yang dilayani (subpohon wilayah), mis. 32.04; ID untuk seluruh Indonesia.",
    ),
    (
        "programme.create.benefit",
        "Manfaat tunai: rupiah per keluarga per siklus.",
    ),
    (
        "programme.create.in_kind",
        "Manfaat barang/jasa: BARANG:JUMLAH:NILAI_PER_UNIT, mis. \"Beras 10 kg:2:140000\".",
    ),
    ("programme.create.budget", "Anggaran per siklus, rupiah."),
    ("programme.create.cycles", "Jumlah siklus (tahap)."),
    ("programme.create.rule", "Aturan kelayakan (docs/rules.md)."),
    (
        "programme.create.rule_file",
        "Membaca aturan kelayakan dari berkas ini (teks UTF-8, paling besar 64 KiB).",
    ),
    (
        "programme.create.priority",
        "Urutan prioritas, dipisah koma: desil, score, vulnerability, members.",
    ),
    (
        "programme.create.quotas",
        "Kuota WILAYAH=JUMLAH_KELUARGA (boleh berulang; menggantikan kuota yang ada).",
    ),
    ("programme.create.clear_quotas", "Hapus semua kuota."),
    (
        "programme.create.partners",
        "Mitra KODE:JENIS:PERAN[:KONTRIBUSI_PER_SIKLUS]:NAMA (boleh berulang; menambah mitra).",
    ),
    (
        "programme.create.remove_partners",
        "Hapus mitra dengan kode ini (boleh berulang).",
    ),
    (
        "programme.create.canvas",
        "Blok Kanvas Model Bisnis BLOK=TEKS (boleh berulang), mis. value_propositions=\"…\".",
    ),
    ("programme.create.description", "Uraian program."),
    ("programme.edit.name", "Nama program."),
    ("programme.edit.owner_code", "Organisasi pemilik: kodenya."),
    ("programme.edit.owner_name", "Organisasi pemilik: namanya."),
    (
        "programme.edit.owner_type",
        "Organisasi pemilik: government, csr, social_enterprise, campus, ngo atau community.",
    ),
    (
        "programme.edit.area",
        "Wilayah yang dilayani (subpohon wilayah), mis. 32.04; ID untuk seluruh Indonesia.",
    ),
    (
        "programme.edit.benefit",
        "Manfaat tunai: rupiah per keluarga per siklus.",
    ),
    (
        "programme.edit.in_kind",
        "Manfaat barang/jasa: BARANG:JUMLAH:NILAI_PER_UNIT, mis. \"Beras 10 kg:2:140000\".",
    ),
    ("programme.edit.budget", "Anggaran per siklus, rupiah."),
    ("programme.edit.cycles", "Jumlah siklus (tahap)."),
    ("programme.edit.rule", "Aturan kelayakan (docs/rules.md)."),
    (
        "programme.edit.rule_file",
        "Membaca aturan kelayakan dari berkas ini (teks UTF-8, paling besar 64 KiB).",
    ),
    (
        "programme.edit.priority",
        "Urutan prioritas, dipisah koma: desil, score, vulnerability, members.",
    ),
    (
        "programme.edit.quotas",
        "Kuota WILAYAH=JUMLAH_KELUARGA (boleh berulang; menggantikan kuota yang ada).",
    ),
    ("programme.edit.clear_quotas", "Hapus semua kuota."),
    (
        "programme.edit.partners",
        "Mitra KODE:JENIS:PERAN[:KONTRIBUSI_PER_SIKLUS]:NAMA (boleh berulang; menambah mitra).",
    ),
    (
        "programme.edit.remove_partners",
        "Hapus mitra dengan kode ini (boleh berulang).",
    ),
    (
        "programme.edit.canvas",
        "Blok Kanvas Model Bisnis BLOK=TEKS (boleh berulang), mis. value_propositions=\"…\".",
    ),
    ("programme.edit.description", "Uraian program."),
    (
        "target",
        "Penargetan: pratinjau aturan program, menetapkan dan membekukan satu siklus, membandingkan aturan, ekspor.",
    ),
    ("target.programme", "Kode program."),
    (
        "target.cycle",
        "Siklus yang ditetapkan atau diekspor (bawaan: siklus berikutnya yang belum dibekukan; untuk ekspor, yang terakhir dibekukan).",
    ),
    (
        "target.preview",
        "Keluarga dan jiwa yang layak per wilayah dan biayanya terhadap anggaran.",
    ),
    (
        "target.select",
        "Mengisi anggaran dan kuota siklus menurut prioritas, membekukan daftar dan mengusulkan hak bantuan untuk setiap keluarga terpilih.",
    ),
    (
        "target.compare",
        "Aturan alternatif untuk dibandingkan dengan aturan program (boleh berulang): jumlah, biaya, cakupan 40% termiskin, galat inklusi/eksklusi terhadap kesejahteraan sebenarnya.",
    ),
    (
        "target.export",
        "Tulis daftar penerima siklus yang dibekukan untuk petugas lapangan ke berkas ini.",
    ),
    (
        "target.excel",
        "Dengan --export: CSV ramah Excel (`;`, BOM UTF-8).",
    ),
    (
        "target.compare_file",
        "Aturan alternatif yang dibaca dari berkas (dapat diulang; teks UTF-8, paling besar 64 KiB), dibandingkan setelah aturan --compare.",
    ),
    (
        "target.force",
        "Dengan --export: menimpa berkas bila sudah ada.",
    ),
    (
        "target.truth",
        "Konsumsi sebenarnya per keluarga untuk --compare: truth/households.csv dari generator sintetis. Bawaan: DATA_DIR/input/truth/households.csv bila ada, jika tidak keluarga yang disurvei dengan bobotnya.",
    ),
    (
        "target.bps_period",
        "Periode BPS garis kemiskinan provinsi yang mendefinisikan miskin untuk --compare.",
    ),
    (
        "target.very_poor",
        "Sangat miskin: di bawah bagian garis kemiskinan ini (--compare).",
    ),
    (
        "explain",
        "Mengapa sebuah keluarga menerima atau tidak menerima bantuan suatu program.",
    ),
    ("explain.household", "Nomor KK keluarga."),
    ("explain.programme", "Kode program."),
    (
        "explain.cycle",
        "Siklus (bawaan: siklus terakhir yang dibekukan, jika tidak apa yang terjadi bila ditetapkan sekarang).",
    ),
    (
        "overlap",
        "Keluarga yang dilayani beberapa program, dan keluarga miskin yang tidak dilayani program mana pun.",
    ),
    ("overlap.by", "Baris per provinsi atau kabupaten/kota."),
    ("overlap.region", "Hanya keluarga di dalam wilayah ini."),
    (
        "overlap.poor_desil",
        "Keluarga miskin adalah desil 1 sampai desil ini.",
    ),
    (
        "reach",
        "Jangkauan program untuk mitranya: per wilayah dan desil, tanpa data pribadi.",
    ),
    ("reach.programme", "Kode program."),
    ("reach.cycle", "Siklus (bawaan: yang terakhir dibekukan)."),
    (
        "reach.by",
        "Baris per provinsi, kabupaten/kota atau kecamatan.",
    ),
    (
        "",
        "Setara: satu registri keluarga, penargetan yang adil, ketimpangan yang terukur.",
    ),
    (
        "*.data_dir",
        "Direktori data (basis data, snapshot, laporan).",
    ),
    (
        "*.lang",
        "Bahasa pesan: id (Bahasa Indonesia) atau en. Bawaan: dari SETARA_LANG atau locale; bahasa Indonesia bila ragu.",
    ),
    (
        "*.quiet",
        "Tanpa bilah kemajuan dan tanpa pesan kecuali galat.",
    ),
    ("*.json", "Keluaran JSON yang dapat dibaca mesin di stdout."),
    (
        "*.actor",
        "Siapa yang bertindak, dicatat pada setiap perubahan. Bawaan: SETARA_ACTOR, atau pengguna sistem operasi.",
    ),
    (
        "*.scope",
        "Bertindak sebagai petugas dinas sosial wilayah ini (kode Kemendagri): hanya keluarga di wilayah itu yang dapat dilihat atau diubah. Bawaan: administrator atas seluruh data. Sejauh ini `household show`, `household correct`, `verify` dan `dedup` menerimanya; perintah lain menolaknya.",
    ),
    (
        "*.idempotency_key",
        "Agar pengulangan aman: kunci yang sama dengan permintaan yang sama mengembalikan hasil pertama dan tidak memindahkan uang; kunci yang sama dengan permintaan lain ditolak.",
    ),
    ("*.help", "Tampilkan bantuan"),
    ("*.version", "Tampilkan versi"),
    (
        "demo",
        "Membuat Indonesia sintetis, mengimpornya ke basis data baru, membuat snapshot dan mencetak tabel per provinsi di samping angka BPS.",
    ),
    (
        "generate",
        "Membuat households.csv, persons.csv dan berkas truth/ sintetis.",
    ),
    (
        "import",
        "Mengimpor keluarga dan anggota keluarga (CSV atau XLSX), memeriksa setiap baris.",
    ),
    (
        "snapshot",
        "Menulis registri sebagai snapshot kolumnar Arrow yang dinamai menurut hash isinya.",
    ),
    ("household", "Menampilkan atau mengoreksi satu keluarga."),
    ("region", "Mencari wilayah menurut kode atau nama."),
    ("nik", "Menguraikan dan memeriksa NIK."),
    ("*.households", "Jumlah keluarga (KK)."),
    (
        "*.seed",
        "Benih acak: benih dan opsi yang sama menghasilkan berkas yang identik.",
    ),
    (
        "generate.out",
        "Direktori keluaran (households.csv, persons.csv, truth/).",
    ),
    (
        "generate.force",
        "Ganti households.csv, persons.csv dan berkas truth/ yang sudah ada di direktori keluaran.",
    ),
    (
        "generate.excel",
        "Tulis households.csv dan persons.csv untuk Excel: pemisah `;` dan BOM UTF-8.",
    ),
    (
        "*.survey_fraction",
        "Bagian keluarga dalam sampel survei (pengeluaran tercatat, dengan bobot).",
    ),
    (
        "*.no_problems",
        "Membuat registri yang bersih: tanpa masalah yang disisipkan.",
    ),
    (
        "*.rate_duplicate_person",
        "Bagian orang yang dicatat dua kali dengan variasi nama.",
    ),
    (
        "*.rate_nik_typo",
        "Bagian orang yang NIK tercatatnya salah ketik.",
    ),
    (
        "*.rate_date_swap",
        "Bagian orang yang tanggal dan bulan lahirnya tertukar.",
    ),
    (
        "*.rate_wrong_region",
        "Bagian keluarga yang dicatat dengan wilayah yang salah.",
    ),
    (
        "*.rate_two_households",
        "Bagian orang yang juga tercatat di KK kedua.",
    ),
    (
        "import.households",
        "Berkas keluarga (CSV atau XLSX), lihat docs/formats/registry-csv.md.",
    ),
    ("import.persons", "Berkas anggota keluarga (CSV atau XLSX)."),
    (
        "import.skip_invalid",
        "Muat baris yang sah dan laporkan yang ditolak, alih-alih tidak memuat apa pun bila ada baris yang ditolak.",
    ),
    (
        "import.rejects",
        "Ke mana semua baris yang ditolak ditulis sebagai CSV (bawaan: DATA_DIR/rejects/import-WAKTU.csv). Tidak pernah berkas masukan; berkas yang sudah ada hanya dengan --force; direktorinya harus sudah ada.",
    ),
    (
        "import.excel",
        "Tulis CSV penolakan untuk Excel: pemisah `;` dan BOM UTF-8.",
    ),
    (
        "import.force",
        "Ganti berkas yang disebut --rejects bila sudah ada (tidak pernah berkas masukan).",
    ),
    (
        "household.show",
        "Cetak satu keluarga, anggotanya, temuan dan (dengan --history) setiap perubahan tercatat.",
    ),
    (
        "household.correct",
        "Koreksi satu kolom keluarga (atau, dengan --nik, satu anggota), disertai alasan.",
    ),
    ("*.kk", "Nomor KK (16 digit)."),
    ("household.show.history", "Cetak juga riwayat perubahan."),
    (
        "household.correct.field",
        "Kolom yang dikoreksi, menurut nama kolom berkas (mis. floor, region, name, birth_date).",
    ),
    (
        "household.correct.value",
        "Nilai baru, ditulis seperti di berkas impor (nilai yang diawali `-` tetap nilai, bukan opsi, sehingga bilangan negatif mendapat galat kolomnya sendiri).",
    ),
    (
        "household.correct.clear",
        "Kosongkan kolom opsional (menjadi tidak diketahui).",
    ),
    (
        "household.correct.reason",
        "Alasan (wajib): bukti atau kunjungan yang mendasari koreksi.",
    ),
    (
        "household.correct.nik",
        "Koreksi anggota ini, bukan keluarganya.",
    ),
    (
        "region.query",
        "Kode (bertitik atau tidak: 32.04, 3204) atau nama (huruf besar/kecil dan aksen diabaikan).",
    ),
    (
        "region.children",
        "Tampilkan juga wilayah di bawahnya langsung.",
    ),
    (
        "region.crosswalk",
        "Cetak padanan kode provinsi BPS ↔ Kemendagri.",
    ),
    ("nik.nik", "NIK 16 digit."),
    (
        "nik.birth_date",
        "Tanggal lahir tercatat, untuk dibandingkan (YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY).",
    ),
    (
        "nik.sex",
        "Jenis kelamin tercatat, untuk dibandingkan (L/P).",
    ),
    (
        "stats",
        "Ukuran ketimpangan dan kemiskinan pada CSV apa pun atau pada registri per wilayah; kurva Lorenz, peta provinsi dan kemiskinan multidimensi.",
    ),
    (
        "stats.input",
        "Berkas CSV atau XLSX apa pun yang diukur (bukan registri).",
    ),
    (
        "stats.value",
        "Kolom nilai (pendapatan, pengeluaran…), menurut nama judul.",
    ),
    ("stats.weight", "Kolom bobot frekuensi atau bobot survei."),
    (
        "stats.group",
        "Kolom kelompok (wilayah…): menambah hasil per kelompok dan dekomposisi antar/dalam kelompok.",
    ),
    (
        "stats.poverty_line",
        "Garis kemiskinan absolut, dalam satuan nilai (FGT P0-P2 dan Watts).",
    ),
    (
        "stats.relative_line",
        "Garis kemiskinan relatif: bagian ini dari median berbobot, dalam (0, 1] (mis. 0,6).",
    ),
    (
        "stats.positive_only",
        "Buang nilai nol dan negatif (dan laporkan jumlahnya), alih-alih melaporkan ukuran yang memerlukan nilai positif sebagai tidak terdefinisi.",
    ),
    (
        "stats.se",
        "Galat baku dengan linearisasi Taylor (desain: satu tahap, dengan pengembalian, berbobot).",
    ),
    (
        "stats.bootstrap",
        "Juga galat baku bootstrap dengan sekian replikasi (2 sampai 10.000).",
    ),
    ("stats.seed", "Benih acak bootstrap."),
    (
        "stats.gini_convey",
        "Gini dengan konvensi bobot convey, bukan konvensi bobot frekuensi.",
    ),
    ("stats.by", "Registri: tingkat wilayah tabel."),
    (
        "stats.region",
        "Registri: hanya wilayah ini dan wilayah di dalamnya.",
    ),
    (
        "stats.measure",
        "Registri: ukuran dalam tabel, dipisah koma (bawaan mean,fgt0,gini).",
    ),
    (
        "stats.bps_period",
        "Registri: periode BPS yang ditampilkan di samping provinsi.",
    ),
    (
        "stats.mpi",
        "Registri: kemiskinan multidimensi Alkire-Foster, bukan ukuran pengeluaran.",
    ),
    ("stats.csv", "Tulis juga tabel sebagai CSV ke berkas ini."),
    ("stats.excel", "CSV untuk Excel: pemisah `;` dan BOM UTF-8."),
    ("stats.lorenz", "Gambar kurva Lorenz ke berkas SVG ini."),
    (
        "stats.map",
        "Registri: gambar peta ukuran pertama atas 38 provinsi ke berkas SVG ini.",
    ),
    (
        "stats.force",
        "Ganti berkas --csv, --lorenz dan --map bila sudah ada (tidak pernah berkas masukan).",
    ),
    (
        "verify",
        "Jalankan aturan verifikasi atas registri dan simpan temuannya (baru, terbuka, selesai).",
    ),
    (
        "verify.region",
        "Hanya wilayah ini dan wilayah di dalamnya.",
    ),
    (
        "verify.csv",
        "Tulis temuan yang terbuka (baru dan terbuka) sebagai CSV ke berkas ini.",
    ),
    (
        "verify.excel",
        "CSV untuk Excel: pemisah `;` dan BOM UTF-8.",
    ),
    (
        "verify.force",
        "Ganti berkas yang disebut --csv bila sudah ada.",
    ),
    (
        "verify.outlier_sigmas",
        "Tandai pengeluaran tercatat yang sejauh sekian simpangan baku residu dari perkiraan menurut tempat tinggal dan aset keluarga.",
    ),
    (
        "dedup",
        "Cari rekaman ganda: anggota keluarga di registri (ke antrean tinjauan) atau berkas CSV apa pun.",
    ),
    (
        "dedup.target",
        "`persons`: deduplikasi anggota keluarga di registri ke antrean tinjauan. Tanpa ini: berkas dari --input.",
    ),
    (
        "dedup.input",
        "Berkas CSV atau XLSX apa pun yang dideduplikasi.",
    ),
    (
        "dedup.id",
        "Kolom yang nilainya menandai rekaman --input di keluaran (tidak harus unik: rekaman dikenali dari barisnya).",
    ),
    (
        "dedup.config",
        "Konfigurasi pencocokan (TOML; lihat docs/linkage.md). Bawaan untuk persons: yang terpasang.",
    ),
    ("dedup.out", "Ke mana pasangan bernilai ditulis (CSV)."),
    (
        "dedup.clusters",
        "Ke mana klaster setiap rekaman ditulis (CSV).",
    ),
    (
        "dedup.region",
        "Registri: hanya anggota keluarga di wilayah ini.",
    ),
    ("dedup.excel", "CSV untuk Excel: pemisah `;` dan BOM UTF-8."),
    (
        "dedup.force",
        "Ganti berkas --out dan --clusters bila sudah ada (tidak pernah berkas masukan).",
    ),
    (
        "dedup.max_pairs",
        "Jumlah pasangan kandidat paling banyak (pasangan berbeda dari semua aturan blok, masing-masing sekali); menggantikan max_candidate_pairs di konfigurasi (bawaan 10.000.000).",
    ),
    (
        "link",
        "Hubungkan rekaman dua berkas CSV yang menggambarkan orang yang sama.",
    ),
    ("link.left", "Tabel kiri (CSV atau XLSX)."),
    ("link.right", "Tabel kanan (CSV atau XLSX)."),
    (
        "link.id",
        "Kolom yang nilainya menandai rekaman kedua tabel di keluaran (tidak harus unik: rekaman dikenali dari barisnya).",
    ),
    (
        "link.config",
        "Konfigurasi pencocokan (TOML; lihat docs/linkage.md).",
    ),
    ("link.out", "Ke mana pasangan bernilai ditulis (CSV)."),
    (
        "link.clusters",
        "Ke mana klaster setiap rekaman ditulis (CSV).",
    ),
    ("link.excel", "CSV untuk Excel: pemisah `;` dan BOM UTF-8."),
    (
        "link.force",
        "Ganti berkas --out dan --clusters bila sudah ada (tidak pernah berkas masukan).",
    ),
    (
        "link.max_pairs",
        "Jumlah pasangan kandidat paling banyak (pasangan berbeda dari semua aturan blok, masing-masing sekali); menggantikan max_candidate_pairs di konfigurasi (bawaan 10.000.000).",
    ),
    (
        "review",
        "Antrean tinjauan kemungkinan rekaman ganda: putuskan, gabungkan, batalkan.",
    ),
    (
        "review.list",
        "Pasangan yang menunggu keputusan (atau berstatus lain).",
    ),
    (
        "review.list.status",
        "review, duplicate, same atau different.",
    ),
    ("review.list.limit", "Jumlah pasangan paling banyak."),
    (
        "review.show",
        "Satu pasangan berdampingan, dengan bobot setiap kolom.",
    ),
    ("review.show.pair", "Nomor pasangan."),
    (
        "review.decide",
        "Putuskan pasangan: orang yang sama (rekaman digabung menjadi satu entitas) atau berbeda.",
    ),
    ("review.decide.pair", "Nomor pasangan."),
    (
        "review.decide.decision",
        "same (sama) atau different (berbeda).",
    ),
    (
        "review.decide.reason",
        "Alasan (wajib): bukti yang mendasari keputusan.",
    ),
    ("review.merges", "Penggabungan yang sudah dibuat."),
    (
        "review.unmerge",
        "Batalkan penggabungan: rekaman kembali ke entitasnya sendiri dan pasangan kembali ke tinjauan.",
    ),
    ("review.unmerge.merge", "Nomor penggabungan."),
    ("review.unmerge.reason", "Alasan (wajib)."),
];

fn lookup(path: &str, id: Option<&str>) -> Option<&'static str> {
    let exact = match id {
        Some(id) if path.is_empty() => id.to_string(),
        Some(id) => format!("{path}.{id}"),
        None => path.to_string(),
    };
    let any = id.map(|id| format!("*.{id}"));
    let find = |key: &str| TEXTS.iter().find(|(k, _)| *k == key).map(|(_, t)| *t);
    find(&exact).or_else(|| any.as_deref().and_then(find))
}

/// The command with Indonesian help texts and headings.
pub fn indonesian(cmd: Command) -> Command {
    localize(cmd, "")
}

fn localize(mut cmd: Command, path: &str) -> Command {
    if let Some(t) = lookup(path, None) {
        cmd = cmd.about(t);
    }
    // clap's own help and version flags, in Indonesian.
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help("Tampilkan bantuan"),
    );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Tampilkan versi"),
        );
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let positional = cmd
            .get_arguments()
            .any(|a| a.get_id() == id.as_str() && a.is_positional());
        let text = lookup(path, Some(&id));
        cmd = cmd.mut_arg(id.as_str(), |a| {
            let a = a.help_heading(if positional { "Argumen" } else { "Opsi" });
            match text {
                Some(t) => a.help(t),
                None => a,
            }
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for s in subs {
        let p = if path.is_empty() {
            s.clone()
        } else {
            format!("{path}.{s}")
        };
        cmd = cmd.mut_subcommand(s.as_str(), |c| localize(c, &p));
    }
    cmd.subcommand_help_heading("Perintah")
        .help_template("{about-with-newline}\nPenggunaan: {usage}\n\n{all-args}{after-help}")
        .disable_help_subcommand(true)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command and argument has Indonesian help.
    #[test]
    fn every_help_text_is_translated() {
        fn check(cmd: &clap::Command, path: &str) {
            if !path.is_empty() {
                assert!(
                    super::lookup(path, None).is_some(),
                    "command {path} has no Indonesian help"
                );
            }
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(
                    super::lookup(path, Some(id)).is_some(),
                    "argument {path}.{id} has no Indonesian help"
                );
            }
            for s in cmd.get_subcommands() {
                let p = if path.is_empty() {
                    s.get_name().to_string()
                } else {
                    format!("{path}.{}", s.get_name())
                };
                check(s, &p);
            }
        }
        check(&crate::cli::Cli::command(), "");
    }
}
