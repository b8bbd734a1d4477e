module perffloor

go 1.24
