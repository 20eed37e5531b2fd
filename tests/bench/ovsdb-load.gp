# SPDX-License-Identifier: Apache-2.0
# Plots of tests/bench/ovsdb-load.sh's figures.  Usage:
#   gnuplot -e "data='DIR'; out='DIR'" tests/bench/ovsdb-load.gp
# reads DIR/throughput.dat, memory.dat, fanout.dat; writes three PNGs.
set terminal pngcairo size 800,480 font ",10" noenhanced
set grid ytics
set key top left
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]

set output out.'/bench-throughput.png'
set title 'Ucast_Macs_Remote inserts: vtepd (asic) vs ovsdb-server 3.1'
set ylabel 'rows per second'
plot data.'/throughput.dat' using 2:xtic(1) title 'vtepd', \
     '' using 3 title 'ovsdb-server'

set output out.'/bench-memory.png'
set title 'Resident memory per row (DB only)'
set ylabel 'RSS bytes per Ucast_Macs_Remote row'
set xlabel 'rows'
plot data.'/memory.dat' using 2:xtic(1) title 'vtepd --hal=none', \
     '' using 3 title 'ovsdb-server'

set output out.'/bench-fanout.png'
set title 'Monitor fan-out: commit to last client notified'
set ylabel 'milliseconds'
set xlabel 'monitoring clients'
set style data linespoints
set logscale x
set xtics (1, 50, 500)
set key top left
plot data.'/fanout.dat' using 1:3 title 'vtepd p99' lw 2 pt 7, \
     '' using 1:5 title 'ovsdb-server p99' lw 2 pt 5, \
     '' using 1:2 title 'vtepd p50' dt 2 pt 6, \
     '' using 1:4 title 'ovsdb-server p50' dt 2 pt 4
