module github.com/nachoos/nacho

go 1.26
