#!/usr/bin/perl
# A real Livestatus client (Debian's libmonitoring-livestatus-perl, the library
# Thruk is built on) against any Livestatus socket that serves the harness's
# "standard" site after its setup commands (tests/shared/livestatus/scenarios/sites);
# run.sh runs it against `vigil run`.
# Expected values are those mk-livestatus 1.5.0p23 in Nagios 4.4.6 answered (the
# recorded traces). Usage: livestatus_client.pl SOCKET   (prints TAP, exits non-zero
# on a failure).
use strict;
use warnings;
use Time::HiRes qw(time sleep);
use Test::More;
use Monitoring::Livestatus;

my $socket = shift or die "usage: $0 SOCKET\n";
for my $keepalive (0, 1) {
    my $ml = Monitoring::Livestatus->new(socket => $socket, keepalive => $keepalive,
                                         errors_are_fatal => 0, warnings => 0);
    my $k = $keepalive ? "keepalive" : "one connection per query";

    # hosts
    my $hosts = $ml->selectall_arrayref("GET hosts\nColumns: name state");
    is_deeply($hosts, [["db1",0],["db2",1],["gw",0],["printer",0],["web1",0],["web2",0]],
              "hosts and states ($k)");
    my $h = $ml->selectall_hashref("GET hosts\nColumns: name alias address parents",
                                   "name");
    is($h->{db2}{alias}, "Database 2", "alias of db2 ($k)");
    is_deeply($h->{db2}{parents}, ["db1","gw"], "parents list of db2 ($k)");

    # services with filters
    my $crit = $ml->selectall_arrayref(
        "GET services\nColumns: host_name description\nFilter: state = 2");
    is_deeply($crit, [["db2","MySQL"],["db2","PING"],["web1","HTTPS"]],
              "critical services ($k)");
    my $or = $ml->selectcol_arrayref(
        "GET hosts\nColumns: name\nFilter: name = gw\nFilter: name = db1\nOr: 2");
    is_deeply($or, ["db1","gw"], "Or of two filters ($k)");
    my $web = $ml->selectall_arrayref(
        "GET services\nColumns: description\nFilter: host_name = web1");
    is_deeply($web, [["PING"],["HTTPS"],["HTTP"]], "one host's services, host order ($k)");

    # stats
    my $stats = $ml->selectrow_arrayref(
        "GET services\nStats: state = 0\nStats: state = 1\nStats: state = 2\nStats: state = 3");
    is_deeply($stats, [6,2,3,1], "service state counts ($k)");
    my $avg = $ml->selectrow_arrayref("GET services\nStats: state = 0\nStats: avg state");
    is($avg->[0], 6, "Stats count ($k)");
    ok(abs($avg->[1] - 0.916667) < 1e-6, "Stats avg ($k)");
    my $grouped = $ml->selectall_arrayref(
        "GET services\nStats: state = 0\nStats: state != 0\nColumns: host_name");
    is_deeply($grouped, [["db1",2,1],["db2",1,2],["gw",1,0],["web1",1,2],["web2",1,1]],
              "Stats grouped by host ($k)");
    is($ml->selectscalar_value("GET status\nColumns: num_services"), 12, "status ($k)");
}

# commands, then their effect (values: the reference trace of commands_state_changes)
my $ml = Monitoring::Livestatus->new(socket => $socket, errors_are_fatal => 0);
is($ml->selectscalar_value("GET services\nStats: modified_attributes > 0"), 0,
   "no service modified yet");
$ml->do("COMMAND [" . int(time) . "] DISABLE_SVC_CHECK;web1;HTTP");
$ml->do("COMMAND [" . int(time) . "] CHANGE_CUSTOM_SVC_VAR;web1;HTTP;SLA;platinum");
my $m = $ml->selectall_arrayref(
    "GET services\nColumns: host_name description active_checks_enabled modified_attributes "
    . "modified_attributes_list custom_variable_values\nFilter: modified_attributes > 0");
is_deeply($m, [["web1", "HTTP", 0, 32770, ["active_checks_enabled", "custom_variable"],
                ["platinum"]]], "the commands' effect is seen by the next query");

# a wait, woken by a passive result sent from another process one second later
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
    sleep 1;
    my $m2 = Monitoring::Livestatus->new(socket => $socket);
    $m2->do("COMMAND [" . int(time) . "] PROCESS_SERVICE_CHECK_RESULT;db2;Queue;2;QUEUE CRITICAL - 900 items|items=900;100;500");
    exit 0;
}
my $t0 = time;
my $w = $ml->selectall_arrayref("GET services\nWaitObject: db2;Queue\nWaitCondition: state = 2\n"
    . "WaitTrigger: check\nWaitTimeout: 10000\nColumns: state plugin_output perf_data\n"
    . "Filter: host_name = db2\nFilter: description = Queue");
my $dt = time - $t0;
waitpid($pid, 0);
is_deeply($w, [[2, "QUEUE CRITICAL - 900 items", "items=900;100;500"]], "wait woken by the result");
ok($dt >= 0.7 && $dt < 5, sprintf("the wait returned after the result (%.2fs)", $dt));

done_testing();
