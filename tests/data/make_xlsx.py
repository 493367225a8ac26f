"""Writes the XLSX fixtures used by tests/cli.rs, the way an officer's Excel file looks:
NIK and KK typed as text, a birth date as a real Excel date cell, Indonesian headers.
bad_persons.xlsx has a NIK typed as a number (Excel keeps 15 significant digits).

Run: python3 -m venv /tmp/x && /tmp/x/bin/pip install openpyxl && /tmp/x/bin/python make_xlsx.py
"""
import datetime
import openpyxl

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Keluarga"
ws.append(["No KK", "Kode Wilayah", "Alamat", "RT", "RW", "Lantai", "Aset Sepeda Motor"])
ws.append(["3204050101200001", "32.04.05.2001", "Kp. Cibiru", 2, 5, "keramik", "ya"])
wb.save("households.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Anggota"
ws.append(["NIK", "No KK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Hubungan"])
ws.append(["3204051203800001", "3204050101200001", "Asep Saepudin", "L", datetime.date(1980, 3, 12), "Kepala Keluarga"])
ws.append(["3204055708850003", "3204050101200001", "Euis Komariah", "P", "17/08/1985", "Istri"])
wb.save("persons.xlsx")

wb = openpyxl.Workbook()
ws = wb.active
ws.append(["NIK", "No KK", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Hubungan"])
ws.append([3204051203800001, "3204050101200001", "Asep Saepudin", "L", datetime.date(1980, 3, 12), "Kepala Keluarga"])
wb.save("bad_persons.xlsx")
