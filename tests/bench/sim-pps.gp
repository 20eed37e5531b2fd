# SPDX-License-Identifier: Apache-2.0
# Plot of tests/bench/sim-pps.sh's figures.  Usage:
#   gnuplot -e "data='DIR'; out='DIR'" tests/bench/sim-pps.gp
# reads DIR/pps.dat and DIR/tcp.dat; writes DIR/bench-sim-pps.png.
set terminal pngcairo size 900,460 font ",10" noenhanced
set grid ytics
set key outside bottom center horizontal
set xtics rotate by -30
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set yrange [0:*]
set output out.'/bench-sim-pps.png'
set multiplot layout 1,2 title 'vtep-sim vs Linux bridge + VXLAN, same run'
set title 'Forwarded packets'
set ylabel 'Kpps'
plot data.'/pps.dat' using 2:xtic(1) title 'kernel', \
     '' using 3 title 'vtep-sim'
set title 'iperf3 TCP, red2 <-> red1'
set ylabel 'Mbit/s'
plot data.'/tcp.dat' using 2:xtic(1) title 'kernel', \
     '' using 3 title 'vtep-sim'
unset multiplot
