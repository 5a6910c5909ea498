<?php
// keymsg from PHP through FFI: a counted receipt footer, a retry that is not
// counted again, a reprint, and the month's report.
//
//   php examples/php/footer.php [STORE_DIR]
//
// Needs PHP 7.4+ with the FFI extension (Debian: php-cli) and libkeymsg.so:
// the header include/keymsg_ffi.h names it as FFI_LIB "libkeymsg.so", found
// by the dynamic loader (install it, or set LD_LIBRARY_PATH). KEYMSG_LIB may
// give the library's path instead. With FFI's default `ffi.enable=preload`,
// run the CLI with `-d ffi.enable=1` or preload the header (FFI::scope).

declare(strict_types=1);

final class Keymsg
{
    public FFI $ffi;

    public function __construct(string $header)
    {
        $lib = getenv('KEYMSG_LIB');
        if ($lib === false || $lib === '') {
            $this->ffi = FFI::load($header);
        } else {
            // FFI::cdef takes no preprocessor lines: drop the FFI_ defines.
            $decls = preg_replace('/^#define FFI_\w+ .*$/m', '', file_get_contents($header));
            $this->ffi = FFI::cdef($decls, $lib);
        }
    }

    /** A keymsg_str view as a PHP string (copied). */
    public function str(FFI\CData $view): string
    {
        return $view->len === 0 ? '' : FFI::string($view->data, $view->len);
    }

    /** Throw unless a call returned KEYMSG_OK, with the library's message. */
    public function check(int $status, string $what): void
    {
        if ($status !== $this->ffi->KEYMSG_OK) {
            $name = $this->str($this->ffi->keymsg_status_name($status));
            $detail = $this->str($this->ffi->keymsg_last_error_message());
            throw new RuntimeException("$what: $name: $detail");
        }
    }

    /**
     * A request's (pointer, length) text field. The returned buffer must stay
     * alive while the request is used: keep it in a variable.
     */
    public function text(string $s): FFI\CData
    {
        $buf = $this->ffi->new('char[' . max(1, strlen($s)) . ']');
        FFI::memcpy($buf, $s, strlen($s));
        return $buf;
    }
}

$km = new Keymsg(__DIR__ . '/../../include/keymsg_ffi.h');
$f = $km->ffi;
$store = $argv[1] ?? (sys_get_temp_dir() . '/keymsg-php-' . getmypid());

echo $km->str($f->keymsg_version()), "\n";

// The engine: a durable store directory, an agency.
$opts = $f->new('keymsg_engine_options*');
$km->check($f->keymsg_engine_options_new(FFI::addr($opts)), 'options');
$km->check($f->keymsg_engine_options_set_store_path($opts, $store, strlen($store)), 'store');
$agency = 'PEA Chiang Mai';
$km->check($f->keymsg_engine_options_set_agency($opts, $agency, strlen($agency)), 'agency');
$engine = $f->new('keymsg_engine*');
$km->check($f->keymsg_engine_new($opts, FFI::addr($engine)), 'engine');
$f->keymsg_engine_options_free($opts);

// A footer for invoice INV-2026-000123, counted once even if retried.
$req = $f->new('keymsg_footer_request');   // zero-initialised: every default
$key = $km->text('INV-2026-000123');
$req->key = FFI::cast('const char*', $key);
$req->key_len = strlen('INV-2026-000123');
$req->idempotency_key = FFI::cast('const char*', $key);
$req->idempotency_key_len = strlen('INV-2026-000123');
$at = $km->text('2026-03-10T09:00:00+07:00');
$req->at = FFI::cast('const char*', $at);
$req->at_len = strlen('2026-03-10T09:00:00+07:00');

$counted = [];
$token = '';
foreach (['first print', 'retry'] as $what) {
    $result = $f->new('keymsg_result*');
    $km->check($f->keymsg_engine_footer($engine, FFI::addr($req), FFI::addr($result)), $what);
    if ($what === 'first print') {
        for ($i = 0; $i < $f->keymsg_result_line_count($result); $i++) {
            echo $km->str($f->keymsg_result_line($result, $i)), "\n";
        }
        $token = $km->str($f->keymsg_result_token($result));
        echo 'message: ', $km->str($f->keymsg_result_message_id($result)), "\n";
    }
    $counted[] = $f->keymsg_result_counted($result);
    $f->keymsg_result_free($result);
}
echo 'counted: ', json_encode($counted), "\n";   // [true,false]: the retry is a duplicate

// A reprint of the stored token: the same message, not counted again.
$reprint = $f->new('keymsg_result*');
$km->check($f->keymsg_engine_replay($engine, $token, strlen($token), null, FFI::addr($reprint)), 'reprint');
echo 'reprint counted: ', json_encode($f->keymsg_result_counted($reprint)), "\n";
$f->keymsg_result_free($reprint);

// A width too narrow for a key message is refused with a clear error.
$narrow = $f->new('keymsg_footer_request');
$narrow->width = 8;
$result = $f->new('keymsg_result*');
$status = $f->keymsg_engine_footer($engine, FFI::addr($narrow), FFI::addr($result));
echo 'width 8: ', $km->str($f->keymsg_status_name($status)), "\n";

// The month's report as JSON.
$report = $f->new('keymsg_string*');
$km->check(
    $f->keymsg_engine_report($engine, '2026-03', 7, $f->KEYMSG_REPORT_FORMAT_JSON, FFI::addr($report)),
    'report'
);
$json = json_decode($km->str($f->keymsg_string_get($report)), true, 512, JSON_THROW_ON_ERROR);
$f->keymsg_string_free($report);
echo 'report ', $json['month'], ' ', $json['agency'], ': documents = ', $json['totals']['documents'], "\n";

$f->keymsg_engine_free($engine);
exit($counted === [true, false] && $json['totals']['documents'] === 1 ? 0 : 1);
