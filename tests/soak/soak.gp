# SPDX-License-Identifier: Apache-2.0
# Plots of tests/soak/soak.sh's samples.  Usage:
#   gnuplot -e "data='DIR'; out='DIR'" tests/soak/soak.gp
# reads DIR/samples.dat (seconds, RSS KiB, descriptors, CPU %, pid) and
# DIR/events.dat (seconds, what); writes DIR/soak-{rss,fds,cpu}.png, with
# the events (restarts, full disk) as vertical lines.
set terminal pngcairo size 900,420 font ",10" noenhanced
set grid ytics
set key top left
set xlabel 'seconds'
set yrange [0:*]
set style data lines
set datafile missing '-'

events = system("awk '{print $1}' ".data."/events.dat 2>/dev/null")
do for [i = 1:words(events)] {
    set arrow i from first word(events, i), graph 0 \
        to first word(events, i), graph 1 nohead dt 3 lc rgb 'gray40'
}

set output out.'/soak-rss.png'
set title 'vtepd resident memory (dotted: restarts, full disk)'
set ylabel 'MiB'
plot data.'/samples.dat' using 1:($2 / 1024) title 'RSS' lw 2

set output out.'/soak-fds.png'
set title 'vtepd open descriptors'
set ylabel 'descriptors'
plot data.'/samples.dat' using 1:3 title 'descriptors' lw 2

set output out.'/soak-cpu.png'
set title 'vtepd CPU'
set ylabel '% of one core'
plot data.'/samples.dat' using 1:4 title 'CPU' lw 2
