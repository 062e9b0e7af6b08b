int nerdc_cli_placeholder_;
